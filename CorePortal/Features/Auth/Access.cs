using System.Security.Claims;
using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Auth;

/// <summary>
/// Who may do what, per resource: the one place pages (button visibility), endpoints, hub methods and services ask.
/// The policies (<see cref="Policies"/>) stay the coarse gate on pages and endpoints; these are the fine rules behind
/// them, with the caller's role and, for a member's login, the client it belongs to. Checks that need the database
/// take the caller's context.
/// </summary>
public static class Access
{
    // Clients

    /// <summary>A client's profile, balances and history: the whole studio team (Trainers included), or the client themself.</summary>
    public static bool CanReadClient(ClaimsPrincipal user, int clientId) => IsStudioTeam(user) || IsClient(user, clientId);

    /// <summary>New and edited clients, sales and app logins: the front desk and up.</summary>
    public static bool CanEditClients(ClaimsPrincipal user) => IsDesk(user);

    /// <summary>Searching clients: the studio team (the Clients page); members never search other clients.</summary>
    public static bool CanSearchClients(ClaimsPrincipal user) => IsStudioTeam(user);

    /// <summary>Picking a client to sell to, share with or book for: the front desk and up.</summary>
    public static bool CanPickClients(ClaimsPrincipal user) => IsDesk(user);

    // Purchases

    /// <summary>A purchase's balances, history and visits: the studio team, or a member who owns it or holds an accepted share.</summary>
    public static async Task<bool> CanReadPurchaseAsync(CoreDbContext db, ClaimsPrincipal user, int purchaseId, CancellationToken ct = default) =>
        IsStudioTeam(user) || (MemberClientId(user) is { } clientId
            && await db.Purchases.Where(p => p.Id == purchaseId).AnyAsync(PoolRule.HeldBy(db, clientId), ct));

    /// <summary>Booking with a client's credits: the front desk for anyone, a member for themself (which pool they may use is <see cref="PoolRule"/>).</summary>
    public static bool CanUseCreditsFor(ClaimsPrincipal user, int clientId) => IsDesk(user) || IsClient(user, clientId);

    /// <summary>Update Credits (add, deduct, validity): the front desk and up.</summary>
    public static bool CanAdjustCredits(ClaimsPrincipal user) => IsDesk(user);

    /// <summary>Freezing a purchase within its item's freeze rules, and ending a freeze early: the front desk and up.</summary>
    public static bool CanFreeze(ClaimsPrincipal user) => IsDesk(user);

    /// <summary>Freezing outside the item's freeze rules (with an override note), and bulk freezes and their undo: managers.</summary>
    public static bool CanOverrideFreezeRules(ClaimsPrincipal user) => IsManager(user);

    /// <summary>Cancelling a purchase (now or at the end of its period): the front desk and up; never trainers nor members.</summary>
    public static bool CanCancelPurchase(ClaimsPrincipal user) => IsDesk(user);

    /// <summary>Whether the caller may share any purchase at all: the front desk, or a member (for purchases they own).</summary>
    public static bool CanShare(ClaimsPrincipal user) => IsDesk(user) || MemberClientId(user) is not null;

    /// <summary>Inviting or removing authorized clients: the front desk, or the purchase's owner through the app.</summary>
    public static bool CanShare(ClaimsPrincipal user, int ownerClientId) => IsDesk(user) || IsClient(user, ownerClientId);

    /// <summary>Whether the caller may answer invitations at all: the front desk, or a member (their own).</summary>
    public static bool CanAnswerInvitations(ClaimsPrincipal user) => IsDesk(user) || MemberClientId(user) is not null;

    /// <summary>Accepting or declining an invitation: the invited client through the app, or the front desk on their behalf.</summary>
    public static bool CanAnswerInvitation(ClaimsPrincipal user, int invitedClientId) => IsDesk(user) || IsClient(user, invitedClientId);

    /// <summary>The queue of members' freeze requests, and approving or declining them: the front desk and managers.</summary>
    public static bool CanAnswerFreezeRequests(ClaimsPrincipal user) => IsDesk(user);

    /// <summary>Asking to freeze a purchase: its owner through the app (a client a package is shared with cannot).</summary>
    public static bool CanAskToFreeze(ClaimsPrincipal user, int ownerClientId) => IsClient(user, ownerClientId);

    /// <summary>A purchase's sharing terms (allow sharing, the limit): managers.</summary>
    public static bool CanManageSharing(ClaimsPrincipal user) => IsManager(user);

    // Bookings and the schedule

    /// <summary>Cancelling a booking: the front desk, or the booked client themself.</summary>
    public static bool CanCancelBooking(ClaimsPrincipal user, int bookedClientId) => CanUseCreditsFor(user, bookedClientId);

    /// <summary>Cancelling a booking once its session has started (with a note): the front desk and up, never the member.</summary>
    public static bool CanCancelAfterStart(ClaimsPrincipal user) => IsDesk(user);

    /// <summary>Marking attended or no-show: the front desk and up.</summary>
    public static bool CanMarkAttendance(ClaimsPrincipal user) => IsDesk(user);

    /// <summary>Returning a credit a booking policy kept (a waiver, with a note), and the day's penalties to review: the front desk and up.</summary>
    public static bool CanWaivePenalties(ClaimsPrincipal user) => IsDesk(user);

    /// <summary>Locations and the day's sessions: the studio team and members.</summary>
    public static bool CanReadSchedule(ClaimsPrincipal user) => IsStudioTeam(user) || MemberClientId(user) is not null;

    /// <summary>Who is booked into a session (roster, Live page): the studio team.</summary>
    public static bool CanReadRoster(ClaimsPrincipal user) => IsStudioTeam(user);

    /// <summary>Adding sessions to the schedule: the front desk and up.</summary>
    public static bool CanManageSessions(ClaimsPrincipal user) => IsDesk(user);

    // Reports and the catalog

    /// <summary>The reports and their exports: managers.</summary>
    public static bool CanReadReports(ClaimsPrincipal user) => IsManager(user);

    /// <summary>Retail Configurations (packages and memberships): managers.</summary>
    public static bool CanManageCatalog(ClaimsPrincipal user) => IsManager(user);

    /// <summary>The Locations page: each location's name, time zone and waitlist cutoff: managers.</summary>
    public static bool CanManageLocations(ClaimsPrincipal user) => IsManager(user);

    // Staff logins

    /// <summary>The Staff page (every staff login, its status and the history of disables and enables): managers.</summary>
    public static bool CanManageStaff(ClaimsPrincipal user) => IsManager(user);

    /// <summary>
    /// Disabling a staff login: managers, never their own login (nobody locks the studio out by mistake) nor one of a
    /// higher role than theirs (a Manager cannot disable an Admin).
    /// </summary>
    public static bool CanDisableStaff(ClaimsPrincipal user, string loginId, string loginRole) =>
        IsManager(user) && !IsSelf(user, loginId) && StaffRank(loginRole) <= StaffRank(user);

    /// <summary>Enabling a disabled staff login again: Admins only.</summary>
    public static bool CanEnableStaff(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    /// <summary>Whether the login is the caller's own.</summary>
    public static bool IsSelf(ClaimsPrincipal user, string loginId) => user.FindFirstValue(ClaimTypes.NameIdentifier) == loginId;

    // Live balances hub

    /// <summary>Listening to a client's balances: whoever may read the client.</summary>
    public static bool CanJoinClient(ClaimsPrincipal user, int clientId) => CanReadClient(user, clientId);

    /// <summary>Listening to a purchase: whoever may read the purchase.</summary>
    public static Task<bool> CanJoinPurchaseAsync(CoreDbContext db, ClaimsPrincipal user, int purchaseId, CancellationToken ct = default) =>
        CanReadPurchaseAsync(db, user, purchaseId, ct);

    /// <summary>Listening to a whole location: the studio team.</summary>
    public static bool CanJoinLocation(ClaimsPrincipal user) => IsStudioTeam(user);

    /// <summary>The client whose events a listener may hear: null (everything it joined) for the studio team, else the member's own client.</summary>
    public static int? ListenerClientId(ClaimsPrincipal user) => IsStudioTeam(user) ? null : MemberClientId(user);

    // Who the caller is

    /// <summary>The client a member's app login belongs to; null for staff logins.</summary>
    public static int? MemberClientId(ClaimsPrincipal user) => user.IsInRole(Roles.Member) ? user.ClientId() : null;

    // Admin over Manager over Staff over Trainer; a login without a staff role ranks lowest.
    private static int StaffRank(string role) => Array.IndexOf(Roles.StaffRoles, role) is var i and >= 0 ? Roles.StaffRoles.Length - i : 0;

    private static int StaffRank(ClaimsPrincipal user) => Roles.StaffRoles.Where(user.IsInRole).Select(StaffRank).DefaultIfEmpty(0).Max();

    private static bool IsClient(ClaimsPrincipal user, int clientId) => MemberClientId(user) == clientId;

    private static bool IsStudioTeam(ClaimsPrincipal user) => Roles.StaffRoles.Any(user.IsInRole);

    private static bool IsDesk(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager) || user.IsInRole(Roles.Staff);

    private static bool IsManager(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager);
}
