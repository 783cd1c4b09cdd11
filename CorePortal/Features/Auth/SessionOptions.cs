namespace CorePortal.Features.Auth;

/// <summary>How long a sign-in lasts. Defaults fit a front-desk shift.</summary>
public sealed class SessionOptions
{
    public const string Section = "Auth";
    /// <summary>Signed out after this long without activity: requests for the cookie, the person's clicks, typing and navigation in an open screen.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(60);
    /// <summary>Signed out this long after signing in, however active.</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);
    /// <summary>How often open screens and hub connections re-check the account (enabled, same security stamp) and the limits.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    public const string SignedInAtClaim = "coreportal:signed_in_at";

    public bool IsPastAbsoluteLimit(System.Security.Claims.ClaimsPrincipal user, DateTimeOffset now) =>
        user.FindFirst(SignedInAtClaim)?.Value is { } ticks && long.TryParse(ticks, out var t)
            ? now - new DateTimeOffset(t, TimeSpan.Zero) > AbsoluteTimeout
            : user.Identity?.IsAuthenticated == true;
}
