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

        // Managers disable a staff login; its open sessions end at the next check.
        app.MapPost("/account/disable/{userId}", async (string userId, StaffAccountService accounts) =>
                await accounts.DisableAsync(userId) is { Succeeded: true } ? Results.NoContent() : Results.NotFound())
            .RequireAuthorization(Policies.Manager);
    }
}

/// <summary>Disabling an account also renews its security stamp, so every open session of it ends at the next check.</summary>
public sealed class StaffAccountService(UserManager<StaffUser> users)
{
    public async Task<IdentityResult> DisableAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return IdentityResult.Failed(new IdentityError { Description = "No such user." });
        user.IsDisabled = true;
        user.LockoutEnd = DateTimeOffset.MaxValue;
        var result = await users.UpdateAsync(user);
        return result.Succeeded ? await users.UpdateSecurityStampAsync(user) : result;
    }
}
