namespace CorePortal.Features.Common;

/// <summary>
/// A location as a select (and <c>GET /api/locations</c>) lists it: its IANA time zone ("" = the server's), in which its
/// sessions' times are read, and the hours before a start after which its waitlists close.
/// </summary>
public sealed record LocationOption(int Id, string Name, string TimeZoneId = "", int WaitlistCutoffHours = 2);
