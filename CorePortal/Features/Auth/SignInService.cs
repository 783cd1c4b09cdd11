using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using CorePortal.Data;
using Microsoft.AspNetCore.Identity;

namespace CorePortal.Features.Auth;

public enum SignInOutcome { Succeeded, Failed, LockedOut, Disabled, TooManyAttempts, MemberUsesApp }

/// <summary>
/// Password sign-in with lockout, stamping the time of sign-in for the absolute session limit. Staff sign in to the
/// portal with the cookie; members' app logins only get bearer tokens.
/// </summary>
public sealed class SignInService(SignInManager<StaffUser> signIn, UserManager<StaffUser> users, SignInThrottle throttle, TimeProvider clock,
    BearerSessionService bearerSessions)
{
    /// <summary>Signs in with the cookie, or with another scheme such as <c>IdentityConstants.BearerScheme</c> for the API.</summary>
    public async Task<SignInOutcome> SignInAsync(string email, string password, string? scheme = null)
    {
        email = email.Trim();
        if (!throttle.TryAttempt(email)) return SignInOutcome.TooManyAttempts;
        var user = await users.FindByEmailAsync(email);
        if (user is null) return SignInOutcome.Failed;
        if (user.IsDisabled) return SignInOutcome.Disabled;
        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (check.IsLockedOut) return SignInOutcome.LockedOut;
        if (!check.Succeeded) return SignInOutcome.Failed;
        if (scheme is null && user.ClientId is not null) return SignInOutcome.MemberUsesApp;
        if (scheme is not null) signIn.AuthenticationScheme = scheme;
        var now = clock.GetUtcNow();
        Claim[] claims = [new Claim(SessionOptions.SignedInAtClaim, now.UtcTicks.ToString(CultureInfo.InvariantCulture))];
        // A bearer sign-in is a session in the database, so that its refresh tokens are single-use and sign-out ends it.
        if (scheme == IdentityConstants.BearerScheme) claims = [.. claims, .. await bearerSessions.StartAsync(user.Id, now)];
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, claims);
        return SignInOutcome.Succeeded;
    }
}

/// <summary>
/// Sign-in attempts per account per minute, whichever address they come from (the address limit is the rate
/// limiter on /api/auth). Counts every attempt, so guessing across many addresses slows down too.
/// </summary>
public sealed class SignInThrottle(IConfiguration configuration) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetFixedWindowLimiter(email.ToUpperInvariant(), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = configuration.GetValue("Auth:SignInsPerAccountPerMinute", 10), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    public bool TryAttempt(string email)
    {
        using var lease = _limiter.AttemptAcquire(email);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
