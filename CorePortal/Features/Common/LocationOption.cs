namespace CorePortal.Features.Common;

/// <summary>A location as a select lists it.</summary>
public sealed record LocationOption(int Id, string Name);
