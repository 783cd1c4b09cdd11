using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Sharing;

namespace CorePortal.Features.Bookings;

/// <summary>
/// Who may act for a client: front-desk staff for anyone, and a member's app login for its own client only,
/// so the portal and the members' API share one rule.
/// </summary>
public static class BookingAccess
{
    public static bool MayBookFor(ClaimsPrincipal user, int clientId) => user.CanEditCredits() || user.IsClient(clientId);

    /// <summary>Reading balances and history: the whole studio team (Trainers included), or the client themself.</summary>
    public static bool MayViewFor(ClaimsPrincipal user, int clientId) => user.CanSeeClient(clientId);

    public static bool IsStudioTeam(ClaimsPrincipal user) => Roles.StaffRoles.Any(user.IsInRole);

    /// <summary>The client a member's app login belongs to; null for staff logins.</summary>
    public static int? ClientIdOf(ClaimsPrincipal user) => user.IsInRole(Roles.Member) ? user.ClientId() : null;
}
