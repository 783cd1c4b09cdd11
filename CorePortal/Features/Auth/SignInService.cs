using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using Microsoft.AspNetCore.Identity;

namespace CorePortal.Features.Auth;

public enum SignInOutcome { Succeeded, Failed, LockedOut, Disabled }

/// <summary>Password sign-in with lockout, stamping the time of sign-in for the absolute session limit.</summary>
public sealed class SignInService(SignInManager<StaffUser> signIn, UserManager<StaffUser> users, TimeProvider clock)
{
    /// <summary>Signs in with the cookie, or with another scheme such as <c>IdentityConstants.BearerScheme</c> for the API.</summary>
    public async Task<SignInOutcome> SignInAsync(string email, string password, string? scheme = null)
    {
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null) return SignInOutcome.Failed;
        if (user.IsDisabled) return SignInOutcome.Disabled;
        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (check.IsLockedOut) return SignInOutcome.LockedOut;
        if (!check.Succeeded) return SignInOutcome.Failed;
        if (scheme is not null) signIn.AuthenticationScheme = scheme;
        var signedInAt = clock.GetUtcNow().UtcTicks.ToString(CultureInfo.InvariantCulture);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(SessionOptions.SignedInAtClaim, signedInAt)]);
        return SignInOutcome.Succeeded;
    }
}
