using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;

namespace CorePortal.Features.Bookings;

/// <summary>
/// Who may act for a client: front-desk staff for anyone, and a member's app login for its own client only,
/// so the portal and the members' API share one rule.
/// </summary>
public static class BookingAccess
{
    public static bool MayBookFor(ClaimsPrincipal user, int clientId) => user.CanEditCredits() || IsClient(user, clientId);

    /// <summary>Reading balances and history: the whole studio team (Trainers included), or the client themself.</summary>
    public static bool MayViewFor(ClaimsPrincipal user, int clientId) => IsStudioTeam(user) || IsClient(user, clientId);

    public static bool IsStudioTeam(ClaimsPrincipal user) => Roles.StaffRoles.Any(user.IsInRole);

    public static int? ClientIdOf(ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(PortalClaimsFactory.ClientIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static bool IsClient(ClaimsPrincipal user, int clientId) => ClientIdOf(user) == clientId;
}
