using CorePortal.Data;
using Microsoft.AspNetCore.Identity;

namespace CorePortal.Features.Auth;

public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInManager<StaffUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("~/login");
        });
    }
}

/// <summary>Disabling an account also renews its security stamp, so every open session of it ends at the next check.</summary>
public sealed class StaffAccountService(UserManager<StaffUser> users)
{
    public async Task<IdentityResult> DisableAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("No such user.");
        user.IsDisabled = true;
        user.LockoutEnd = DateTimeOffset.MaxValue;
        var result = await users.UpdateAsync(user);
        return result.Succeeded ? await users.UpdateSecurityStampAsync(user) : result;
    }
}
