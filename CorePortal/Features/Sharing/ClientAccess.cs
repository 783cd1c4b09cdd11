using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;

namespace CorePortal.Features.Sharing;

/// <summary>Which client a member's app login belongs to, for the rules that let owners and invited clients act themselves.</summary>
public static class ClientAccess
{
    public static int? ClientId(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(PortalClaimsFactory.ClientIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>True for a member's own login on that client.</summary>
    public static bool IsClient(this ClaimsPrincipal user, int clientId) => user.IsInRole(Roles.Member) && user.ClientId() == clientId;

    /// <summary>Anyone on the studio's staff, or the client themself.</summary>
    public static bool CanSeeClient(this ClaimsPrincipal user, int clientId) => Roles.StaffRoles.Any(user.IsInRole) || user.IsClient(clientId);
}
