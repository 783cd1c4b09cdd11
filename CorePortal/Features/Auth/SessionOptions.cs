namespace CorePortal.Features.Auth;

/// <summary>How long a sign-in lasts. Defaults fit a front-desk shift.</summary>
public sealed class SessionOptions
{
    public const string Section = "Auth";
    /// <summary>Signed out after this long without activity.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(60);
    /// <summary>Signed out this long after signing in, however active.</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);
    /// <summary>How often open sessions re-check that the account is still enabled.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    public const string SignedInAtClaim = "coreportal:signed_in_at";

    public bool IsPastAbsoluteLimit(System.Security.Claims.ClaimsPrincipal user, DateTimeOffset now) =>
        user.FindFirst(SignedInAtClaim)?.Value is { } ticks && long.TryParse(ticks, out var t)
            ? now - new DateTimeOffset(t, TimeSpan.Zero) > AbsoluteTimeout
            : user.Identity?.IsAuthenticated == true;
}
