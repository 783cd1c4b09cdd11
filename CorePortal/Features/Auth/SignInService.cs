using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using CorePortal.Data;
using Microsoft.AspNetCore.Identity;

namespace CorePortal.Features.Auth;

public enum SignInOutcome { Succeeded, Failed, LockedOut, TooManyAttempts, TooManyFromAddress, MemberUsesApp }

/// <summary>
/// Password sign-in with lockout, stamping the time of sign-in for the absolute session limit. Staff sign in to the
/// portal with the cookie; members' app logins only get bearer tokens. The portal's sign-in page and /api/auth/login
/// (members' app included) both come here, so both have the same limits and the same answers.
/// </summary>
public sealed class SignInService(SignInManager<StaffUser> signIn, UserManager<StaffUser> users, SignInThrottle throttle, TimeProvider clock,
    BearerSessionService bearerSessions)
{
    // A hash of a password nobody knows, made once with the app's own hasher (and so its cost): unknown and disabled
    // accounts verify against it, so they take as long to refuse as a wrong password.
    private static string? _dummyHash;

    /// <summary>
    /// Signs in with the cookie, or with another scheme such as <c>IdentityConstants.BearerScheme</c> for the API.
    /// <paramref name="address"/> is the client's address (as the configured proxies report it): one budget of attempts
    /// per address per minute, whatever the account. An unknown email, a wrong password and a disabled account all answer
    /// <see cref="SignInOutcome.Failed"/>, after hashing the password once, so neither the answer nor its time tells which.
    /// </summary>
    public async Task<SignInOutcome> SignInAsync(string email, string password, IPAddress? address, string? scheme = null)
    {
        email = email.Trim();
        if (!throttle.TryAttemptFrom(address)) return SignInOutcome.TooManyFromAddress;
        if (!throttle.TryAttempt(email)) return SignInOutcome.TooManyAttempts;
        var user = await users.FindByEmailAsync(email);
        // A disabled login is locked out for good; refused here, before the lockout check would name it as locked.
        if (user is null || user.IsDisabled || user.PasswordHash is null)
        {
            HashForNothing(user, password);
            return SignInOutcome.Failed;
        }
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

    private void HashForNothing(StaffUser? user, string password)
    {
        var nobody = user ?? new StaffUser();
        _dummyHash ??= users.PasswordHasher.HashPassword(nobody, Guid.NewGuid().ToString());
        users.PasswordHasher.VerifyHashedPassword(nobody, _dummyHash, password);
    }
}

/// <summary>What the sign-in page and /api/auth/login say; one text each, so the two cannot drift apart.</summary>
public static class SignInMessages
{
    /// <summary>An unknown email, a wrong password and a disabled account alike.</summary>
    public const string Failed = "That email and password do not match.";
    public const string TooManyFromAddress = "Too many sign-in attempts from this address. Wait a minute and try again.";
}

/// <summary>
/// Sign-in attempts per minute, counted twice: per account whichever address they come from (guessing one account's
/// password from many addresses slows down), and per client address whichever account they name (one address trying one
/// password against many accounts is stopped). Every attempt counts, successful or not.
/// </summary>
public sealed class SignInThrottle(IConfiguration configuration) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAccount = PerMinute(configuration.GetValue("Auth:SignInsPerAccountPerMinute", 10));
    // One budget per address for the portal's sign-in page and /api/auth/login together: separate budgets would only
    // double what an attacker gets by switching between them.
    private readonly PartitionedRateLimiter<string> _perAddress = PerMinute(configuration.GetValue("Auth:SignInsPerMinute", 10));

    public bool TryAttempt(string email) => TryAcquire(_perAccount, email.ToUpperInvariant());

    public bool TryAttemptFrom(IPAddress? address) => TryAcquire(_perAddress, address?.ToString() ?? "unknown");

    private static bool TryAcquire(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    private static PartitionedRateLimiter<string> PerMinute(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    public void Dispose()
    {
        _perAccount.Dispose();
        _perAddress.Dispose();
    }
}
