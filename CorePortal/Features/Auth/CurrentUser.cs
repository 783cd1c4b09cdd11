using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace CorePortal.Features.Auth;

/// <summary>Who is acting, for services called from components: read from the circuit's authentication state.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authState)
{
    public async Task<ClaimsPrincipal> GetAsync() => (await authState.GetAuthenticationStateAsync()).User;
}

public static class PrincipalExtensions
{
    /// <summary>The name written into the ledger as the actor.</summary>
    public static string ActorName(this ClaimsPrincipal user) =>
        user.FindFirstValue("display_name") ?? user.Identity?.Name ?? "system";

    public static bool CanEditCredits(this ClaimsPrincipal user) =>
        user.IsInRole(Data.Roles.Admin) || user.IsInRole(Data.Roles.Manager) || user.IsInRole(Data.Roles.Staff);

    public static bool IsManager(this ClaimsPrincipal user) =>
        user.IsInRole(Data.Roles.Admin) || user.IsInRole(Data.Roles.Manager);
}
