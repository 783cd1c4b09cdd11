using System.ComponentModel.DataAnnotations;

namespace CorePortal.Data;

/// <summary>
/// One bearer sign-in (an app or integration login) and the one refresh token of it that still works. In the database, not
/// in memory, so that every app server refuses a used refresh token or an ended session alike.
/// </summary>
public sealed class BearerSession
{
    public Guid Id { get; set; }
    [MaxLength(450)] public required string UserId { get; set; }
    public DateTime SignedInAtUtc { get; set; }
    /// <summary>The id carried by the newest refresh token; a refresh with any other id of this session ends the session.</summary>
    public Guid RefreshTokenId { get; set; }
    /// <summary>Set when the session ends: signed out, a used refresh token presented again, or refreshed past the absolute limit.</summary>
    public DateTime? EndedAtUtc { get; set; }
}
