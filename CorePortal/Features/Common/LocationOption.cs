namespace CorePortal.Features.Common;

/// <summary>A location as a select lists it, with its time zone ("" = the server's) for "today" there.</summary>
public sealed record LocationOption(int Id, string Name, string TimeZoneId = "");
