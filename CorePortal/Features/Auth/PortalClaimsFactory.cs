using System.Security.Claims;
using CorePortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Auth;

/// <summary>Adds the display name (the actor in the ledger) and, for member logins, the client id.</summary>
public sealed class PortalClaimsFactory(UserManager<StaffUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(users, roles, options)
{
    public const string ClientIdClaim = "coreportal:client_id";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new("display_name", string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email ?? user.UserName! : user.DisplayName));
        if (user.ClientId is { } clientId) identity.AddClaim(new(ClientIdClaim, clientId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return identity;
    }
}
