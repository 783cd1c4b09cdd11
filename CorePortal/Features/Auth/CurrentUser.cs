using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace CorePortal.Features.Auth;

/// <summary>Who is acting, for services called from components: read from the circuit's authentication state.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authState)
{
    public async Task<ClaimsPrincipal> GetAsync() => (await authState.GetAuthenticationStateAsync()).User;
}

/// <summary>Claims read off the caller. Who may do what is <see cref="Access"/>.</summary>
public static class PrincipalExtensions
{
    /// <summary>The name written into the ledger as the actor.</summary>
    public static string ActorName(this ClaimsPrincipal user) =>
        user.FindFirstValue("display_name") ?? user.Identity?.Name ?? "system";

    /// <summary>The client id claim of a member's app login; null when there is none.</summary>
    public static int? ClientId(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(PortalClaimsFactory.ClientIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
