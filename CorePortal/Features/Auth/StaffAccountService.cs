using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Auth;

/// <summary>A staff login as the Staff page lists it, with what the caller may do to it.</summary>
public sealed record StaffLoginView(string Id, string Name, string Email, string Role, bool IsDisabled, bool CanDisable, bool CanEnable);

/// <summary>One disable or enable, as the Staff page's history lists it.</summary>
public sealed record StaffAccountEventView(DateTime AtUtc, StaffAccountChange Change, string ActorName, string SubjectEmail);

/// <summary>
/// Disabling and enabling staff logins, each recorded with who, whom and when. The Staff page and the /account endpoints
/// both call here; who may do what is <see cref="Access"/>. Members' app logins are not staff logins and are not touched.
/// </summary>
public sealed class StaffAccountService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    public const string UserIdField = "UserId";
    private const int HistoryShown = 100;

    /// <summary>Every staff login with its role and status, by name.</summary>
    public async Task<ServiceResult<IReadOnlyList<StaffLoginView>>> ListAsync(ClaimsPrincipal caller, CancellationToken ct = default)
    {
        if (!Access.CanManageStaff(caller)) return ServiceResult.Failure<IReadOnlyList<StaffLoginView>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var logins = await StaffLogins(db)
            .Select(l => new { l.User.Id, l.User.DisplayName, l.User.Email, l.Role, l.User.IsDisabled })
            .OrderBy(l => l.DisplayName).ThenBy(l => l.Email).AsNoTracking().ToListAsync(ct);
        return ServiceResult.Success<IReadOnlyList<StaffLoginView>>([.. logins.Select(l => new StaffLoginView(
            l.Id, l.DisplayName, l.Email ?? "", l.Role, l.IsDisabled,
            CanDisable: !l.IsDisabled && Access.CanDisableStaff(caller, l.Id, l.Role),
            CanEnable: l.IsDisabled && Access.CanEnableStaff(caller)))]);
    }

    /// <summary>The latest disables and enables, newest first.</summary>
    public async Task<ServiceResult<IReadOnlyList<StaffAccountEventView>>> HistoryAsync(ClaimsPrincipal caller, CancellationToken ct = default)
    {
        if (!Access.CanManageStaff(caller)) return ServiceResult.Failure<IReadOnlyList<StaffAccountEventView>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = await db.StaffAccountEvents.AsNoTracking().OrderByDescending(e => e.Id).Take(HistoryShown)
            .Select(e => new StaffAccountEventView(e.AtUtc, e.Change, e.ActorName, e.SubjectEmail)).ToListAsync(ct);
        return ServiceResult.Success<IReadOnlyList<StaffAccountEventView>>(events);
    }

    /// <summary>
    /// Disables a staff login and renews its security stamp, so every open session and bearer token of it ends at the next
    /// check; locked out for good until an Admin enables it again.
    /// </summary>
    public Task<ServiceResult> DisableAsync(ClaimsPrincipal caller, string userId, CancellationToken ct = default) =>
        ChangeAsync(caller, userId, StaffAccountChange.Disabled, ct);

    /// <summary>Enables a disabled staff login again (Admins): clears its lockout and renews its security stamp.</summary>
    public Task<ServiceResult> EnableAsync(ClaimsPrincipal caller, string userId, CancellationToken ct = default) =>
        ChangeAsync(caller, userId, StaffAccountChange.Enabled, ct);

    private async Task<ServiceResult> ChangeAsync(ClaimsPrincipal caller, string userId, StaffAccountChange change, CancellationToken ct)
    {
        if (!Access.CanManageStaff(caller)) return ServiceResult.Forbidden();
        if (change == StaffAccountChange.Enabled && !Access.CanEnableStaff(caller)) return ServiceResult.Forbidden("Only an Admin can enable a login again.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var found = await StaffLogins(db).Where(l => l.User.Id == userId).SingleOrDefaultAsync(ct);
        if (found is null) return ServiceResult.NotFound("There is no staff login with that id.");
        var (user, role) = (found.User, found.Role);
        if (change == StaffAccountChange.Disabled && !Access.CanDisableStaff(caller, user.Id, role))
            return Access.IsSelf(caller, user.Id)
                ? ServiceResult.Invalid(UserIdField, "You cannot disable your own login.")
                : ServiceResult.Forbidden($"Your role cannot disable {user.Email}: it is an {role} login.");
        var disable = change == StaffAccountChange.Disabled;
        if (user.IsDisabled == disable) return ServiceResult.Ok($"{user.Email} is already {(disable ? "disabled" : "enabled")}.");

        user.IsDisabled = disable;
        user.LockoutEnd = disable ? DateTimeOffset.MaxValue : null;
        user.AccessFailedCount = 0;
        // What UserManager.UpdateSecurityStampAsync does: a new stamp ends the login's sessions and tokens; the new concurrency
        // stamp makes a second change saved meanwhile (another manager, a sign-in's lockout count) fail here instead of being overwritten.
        user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        db.StaffAccountEvents.Add(new StaffAccountEvent
        {
            AtUtc = clock.GetUtcNow().UtcDateTime, Change = change, ActorId = caller.FindFirstValue(ClaimTypes.NameIdentifier),
            ActorName = caller.ActorName(), SubjectId = user.Id, SubjectEmail = user.Email ?? user.Id,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ServiceResult.Conflict($"{user.Email} was changed meanwhile. Reload and try again.");
        }
        return ServiceResult.Ok($"{user.Email} is {(disable ? "disabled: its open sessions end at their next check" : "enabled and can sign in again")}.");
    }

    // Logins with a staff role (a member's app login has a client and the Member role), each with its highest role.
    private static IQueryable<StaffLogin> StaffLogins(CoreDbContext db) =>
        from user in db.Users
        where user.ClientId == null
        let role = (from ur in db.UserRoles
                    join r in db.Roles on ur.RoleId equals r.Id
                    where ur.UserId == user.Id && Roles.StaffRoles.Contains(r.Name!)
                    orderby r.Name == Roles.Admin ? 0 : r.Name == Roles.Manager ? 1 : r.Name == Roles.Staff ? 2 : 3
                    select r.Name).FirstOrDefault()
        where role != null
        select new StaffLogin { User = user, Role = role! };

    private sealed class StaffLogin
    {
        public required StaffUser User { get; init; }
        public required string Role { get; init; }
    }
}
