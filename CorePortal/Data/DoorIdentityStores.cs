using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace CorePortal.Data;

/// <summary>
/// Identity's user store with its saves through the write door. UserManager saves after every change (sign-in lockout
/// counts, activation, roles, new logins) through the store's create, update and delete; wrapping those three here, rather
/// than making the context's SaveChanges open the door by itself, keeps a forgotten SaveChanges elsewhere visible to the
/// test that refuses writes around the door.
/// </summary>
public sealed class DoorUserStore(CoreDbContext context, IdentityErrorDescriber? describer = null)
    : UserStore<StaffUser, IdentityRole, CoreDbContext>(context, describer)
{
    public override Task<IdentityResult> CreateAsync(StaffUser user, CancellationToken cancellationToken = default) =>
        DoorIdentityStores.SaveAsync(Context, () => base.CreateAsync(user, cancellationToken), cancellationToken);

    public override Task<IdentityResult> UpdateAsync(StaffUser user, CancellationToken cancellationToken = default) =>
        DoorIdentityStores.SaveAsync(Context, () => base.UpdateAsync(user, cancellationToken), cancellationToken);

    public override Task<IdentityResult> DeleteAsync(StaffUser user, CancellationToken cancellationToken = default) =>
        DoorIdentityStores.SaveAsync(Context, () => base.DeleteAsync(user, cancellationToken), cancellationToken);
}

/// <summary>Identity's role store with its saves through the write door (see <see cref="DoorUserStore"/>).</summary>
public sealed class DoorRoleStore(CoreDbContext context, IdentityErrorDescriber? describer = null)
    : RoleStore<IdentityRole, CoreDbContext>(context, describer)
{
    public override Task<IdentityResult> CreateAsync(IdentityRole role, CancellationToken cancellationToken = default) =>
        DoorIdentityStores.SaveAsync(Context, () => base.CreateAsync(role, cancellationToken), cancellationToken);

    public override Task<IdentityResult> UpdateAsync(IdentityRole role, CancellationToken cancellationToken = default) =>
        DoorIdentityStores.SaveAsync(Context, () => base.UpdateAsync(role, cancellationToken), cancellationToken);

    public override Task<IdentityResult> DeleteAsync(IdentityRole role, CancellationToken cancellationToken = default) =>
        DoorIdentityStores.SaveAsync(Context, () => base.DeleteAsync(role, cancellationToken), cancellationToken);
}

internal static class DoorIdentityStores
{
    public static async Task<IdentityResult> SaveAsync(CoreDbContext db, Func<Task<IdentityResult>> save, CancellationToken ct)
    {
        if (db.HoldsWriteDoor) return await save(); // inside a write transaction already begun on this context
        await using var tx = await db.BeginWriteAsync(ct);
        var result = await save();
        if (result.Succeeded) await tx.CommitAsync(ct);
        return result;
    }
}
