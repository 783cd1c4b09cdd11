using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>Which purchases a bulk freeze holds: those of one catalog item, of one location, or every active one.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BulkScope>))]
public enum BulkScope { AllActive, Location, CatalogItem }

/// <summary>A bulk freeze as asked for: both ends of the range, the mode (null: each item's default) and the purchases.</summary>
public sealed record BulkFreezeInput(DateOnly? StartsOn, DateOnly? EndsOn, FreezeMode? Mode, BulkScope Scope, int? LocationId = null, int? CatalogItemId = null,
    string? Note = null, string? OverrideNote = null);

/// <summary>One purchase of a bulk freeze: its plan, or why the rules refuse it.</summary>
public sealed record BulkFreezeLine(int PurchaseId, string Purchase, string Client, FreezePlan? Plan, string? Refusal);

/// <summary>Counts first (purchases, periods changed, credits forfeited, bookings affected), then the plan of each purchase.</summary>
public sealed record BulkFreezePlan(string Scope, DateOnly StartsOn, DateOnly EndsOn, int Purchases, int PeriodsChanged, int CreditsForfeited,
    int BookingsAffected, int Refused, int BreakingRules, IReadOnlyList<BulkFreezeLine> Lines, int? BulkFreezeId = null);

/// <summary>A past bulk freeze, for the list with Undo.</summary>
public sealed record BulkFreezeRow(int Id, DateOnly StartsOn, DateOnly EndsOn, FreezeMode Mode, string Scope, string? Note, string Actor, DateTime CreatedAtUtc,
    int Freezes, DateTime? UndoneAtUtc, string? UndoneBy);

/// <summary>
/// Bulk freezes (a studio closed for a week): a preview of every purchase's freeze, applied all or nothing in one transaction,
/// and undone as one. Each purchase's freeze is <see cref="FreezeService"/>'s, with the same rules and maths.
/// </summary>
/// <remarks>
/// Undo is refused when a freeze of the bulk was ended early (its purchase was already recomputed from its real end), when a
/// purchase of it has a freeze made after the bulk (undoing under it would move dates that freeze counted on), or when the bulk
/// was undone already: unfreeze those purchases one by one instead.
/// </remarks>
public sealed class BulkFreezeService(IDbContextFactory<CoreDbContext> dbFactory, FreezeService freezes, BalanceFeed feed, TimeProvider clock)
{
    public async Task<ServiceResult<BulkFreezePlan>> PreviewAsync(ClaimsPrincipal user, BulkFreezeInput input, CancellationToken ct = default)
    {
        if (!Access.CanOverrideFreezeRules(user)) return Forbidden<BulkFreezePlan>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (scope, ids, refused) = await SelectAsync(db, input, ct);
        if (refused is not null) return ServiceResult.Failure<BulkFreezePlan>(refused);
        var lines = new List<BulkFreezeLine>();
        foreach (var id in ids)
            lines.Add(Line(await NamesAsync(db, id, ct), (await freezes.PlanAsync(db, user, id, Input(input, await KindAsync(db, id, ct)), forSave: false, ct)).Result, input));
        return ServiceResult.Success(Totals(scope!, input, lines), $"{N(lines.Count)} purchases");
    }

    /// <summary>Freezes every purchase picked, in one transaction: one refused purchase and nothing is frozen.</summary>
    public async Task<ServiceResult<BulkFreezePlan>> ApplyAsync(ClaimsPrincipal user, BulkFreezeInput input, CancellationToken ct = default)
    {
        if (!Access.CanOverrideFreezeRules(user)) return Forbidden<BulkFreezePlan>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var (scope, ids, refused) = await SelectAsync(db, input, ct);
        if (refused is not null) return ServiceResult.Failure<BulkFreezePlan>(refused);
        if (ids.Count == 0) return ServiceResult.Failure<BulkFreezePlan>(ServiceResult.Invalid("scope", "No active purchase is valid on the first day: nothing to freeze."));
        var now = clock.GetUtcNow().UtcDateTime;
        var bulk = new BulkFreeze
        {
            StartsOn = input.StartsOn!.Value, EndsOn = input.EndsOn!.Value, Mode = input.Mode ?? FreezeMode.Extend,
            Scope = input.Mode is null ? $"{scope}, each item's default mode" : scope!,
            Note = CleanText.Note(input.Note, out _) is { Length: > 0 } note ? note : null, Actor = user.ActorName(), CreatedAtUtc = now,
        };
        db.BulkFreezes.Add(bulk);
        await db.SaveChangesAsync(ct);
        var lines = new List<BulkFreezeLine>();
        var touched = new List<int>();
        var freed = new List<int>();
        foreach (var id in ids) // in id order: two bulk freezes lock their purchases in the same order
        {
            var names = await NamesAsync(db, id, ct);
            var (result, periods) = await freezes.FreezeInTransactionAsync(db, tx, user, id, Input(input, await KindAsync(db, id, ct)), bulk.Id, now, ct);
            if (!result.Succeeded)
                return ServiceResult.Failure<BulkFreezePlan>(result with { Message = $"{names.Purchase} of {names.Client}: {result.Message} Nothing was frozen." });
            lines.Add(Line(names, result, input));
            touched.AddRange(periods);
            freed.AddRange(AffectedBookings.FreedSessions(result.Value!.Bookings, result.Value.Decisions));
        }
        await tx.CommitAsync(ct);
        await feed.PublishPeriodsAsync(db, touched, CancellationToken.None);
        await freezes.FillWaitlistsAsync(freed);
        return ServiceResult.Success(Totals(scope!, input, lines) with { BulkFreezeId = bulk.Id }, $"Froze {N(lines.Count)} purchases");
    }

    /// <summary>What undoing the bulk freeze would write, or why it is refused.</summary>
    public async Task<ServiceResult<BulkFreezePlan>> PreviewUndoAsync(ClaimsPrincipal user, int bulkFreezeId, CancellationToken ct = default)
    {
        if (!Access.CanOverrideFreezeRules(user)) return Forbidden<BulkFreezePlan>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await UndoAsync(db, null, user, bulkFreezeId, ct);
    }

    /// <summary>Undoes every freeze of the bulk freeze in one transaction: each becomes Undone, with the reverse (Unfrozen) rows.</summary>
    public async Task<ServiceResult<BulkFreezePlan>> UndoAsync(ClaimsPrincipal user, int bulkFreezeId, CancellationToken ct = default)
    {
        if (!Access.CanOverrideFreezeRules(user)) return Forbidden<BulkFreezePlan>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        return await UndoAsync(db, tx, user, bulkFreezeId, ct);
    }

    public async Task<ServiceResult<IReadOnlyList<BulkFreezeRow>>> ListAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!Access.CanOverrideFreezeRules(user)) return Forbidden<IReadOnlyList<BulkFreezeRow>>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.BulkFreezes.AsNoTracking().OrderByDescending(b => b.Id).Take(50)
            .Select(b => new BulkFreezeRow(b.Id, b.StartsOn, b.EndsOn, b.Mode, b.Scope, b.Note, b.Actor, b.CreatedAtUtc,
                db.Freezes.Count(f => f.BulkFreezeId == b.Id), b.UndoneAtUtc, b.UndoneBy))
            .ToListAsync(ct);
        return ServiceResult.Success<IReadOnlyList<BulkFreezeRow>>(rows);
    }

    private async Task<ServiceResult<BulkFreezePlan>> UndoAsync(CoreDbContext db, WriteTransaction? tx, ClaimsPrincipal user, int bulkFreezeId, CancellationToken ct)
    {
        var bulk = await db.BulkFreezes.SingleOrDefaultAsync(b => b.Id == bulkFreezeId, ct);
        if (bulk is null) return ServiceResult.Failure<BulkFreezePlan>(ServiceResult.NotFound("That bulk freeze does not exist."));
        if (bulk.UndoneAtUtc is not null)
            return ServiceResult.Failure<BulkFreezePlan>(ServiceResult.Conflict($"This bulk freeze was undone already, by {bulk.UndoneBy}."));
        var members = await db.Freezes.AsNoTracking().Where(f => f.BulkFreezeId == bulkFreezeId).OrderBy(f => f.PurchaseId)
            .Select(f => new { f.Id, f.PurchaseId, f.EndedAtUtc, f.Status, f.CreatedAtUtc }).ToListAsync(ct);
        foreach (var f in members)
        {
            var names = await NamesAsync(db, f.PurchaseId, ct);
            if (f.EndedAtUtc is not null || f.Status != FreezeStatus.Active)
                return Refuse($"The freeze of {names.Purchase} ({names.Client}) was ended early: this bulk freeze cannot be undone as one. Unfreeze the others one by one.");
            if (await db.Freezes.AnyAsync(o => o.PurchaseId == f.PurchaseId && o.Id > f.Id && o.Status == FreezeStatus.Active, ct))
                return Refuse($"{names.Purchase} ({names.Client}) was frozen again after this bulk freeze: this bulk freeze cannot be undone as one. Unfreeze the others one by one.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var lines = new List<BulkFreezeLine>();
        var touched = new List<int>();
        foreach (var f in members)
        {
            var names = await NamesAsync(db, f.PurchaseId, ct);
            var result = tx is null
                ? (await freezes.EndPlanAsync(db, f.PurchaseId, f.Id, null, undo: true, ct)).Result
                : (await UndoOneAsync(db, tx, user, f.PurchaseId, f.Id, now, touched, ct));
            if (!result.Succeeded)
                return ServiceResult.Failure<BulkFreezePlan>(result with { Message = $"{names.Purchase} of {names.Client}: {result.Message} Nothing was undone." });
            lines.Add(new BulkFreezeLine(f.PurchaseId, names.Purchase, names.Client, result.Value, null));
        }
        var plan = new BulkFreezePlan(bulk.Scope, bulk.StartsOn, bulk.EndsOn, lines.Count, lines.Sum(l => l.Plan!.Periods.Count),
            -lines.Sum(l => l.Plan!.Periods.Sum(p => (p.MaxAfter ?? 0) - (p.MaxBefore ?? 0))), 0, 0, 0, lines, bulk.Id);
        if (tx is null) return ServiceResult.Success(plan, $"Undo {N(lines.Count)} freezes");
        bulk.UndoneAtUtc = now;
        bulk.UndoneBy = user.ActorName();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await feed.PublishPeriodsAsync(db, touched, CancellationToken.None);
        return ServiceResult.Success(plan, $"Undid {N(lines.Count)} freezes");

        static ServiceResult<BulkFreezePlan> Refuse(string message) => ServiceResult.Failure<BulkFreezePlan>(ServiceResult.Conflict(message));
    }

    private async Task<ServiceResult<FreezePlan>> UndoOneAsync(CoreDbContext db, WriteTransaction tx, ClaimsPrincipal user, int purchaseId, int freezeId, DateTime now,
        List<int> touched, CancellationToken ct)
    {
        var (result, periods) = await freezes.EndInTransactionAsync(db, tx, user, purchaseId, freezeId, null, undo: true, now, ct);
        touched.AddRange(periods);
        return result;
    }

    /// <summary>The scope in words and the purchases it picks: active, not being cancelled, valid on the first frozen day; by id.</summary>
    private async Task<(string? Scope, List<int> Ids, ServiceResult? Refused)> SelectAsync(CoreDbContext db, BulkFreezeInput input, CancellationToken ct)
    {
        var window = DateWindow.For(clock);
        var errors = new Dictionary<string, string[]>();
        if (input.StartsOn is null) errors["startsOn"] = ["Choose the first frozen day."];
        if (input.EndsOn is null) errors["endsOn"] = ["Choose the last frozen day: a bulk freeze has both ends."];
        if (errors.Count == 0 && window.RangeRefusal(input.StartsOn!.Value, input.EndsOn!.Value, "startsOn", "endsOn") is { } range) return (null, [], range);
        if (!Enum.IsDefined(input.Scope)) errors["scope"] = ["Choose the purchases: all active, a location or a catalog item."];
        string? scope = null;
        var purchases = db.Purchases.AsNoTracking().Where(p => p.Status == PurchaseStatus.Active && p.CancelsOn == null);
        if (input.Scope == BulkScope.Location)
        {
            var name = await db.Locations.Where(l => l.Id == input.LocationId).Select(l => l.Name).SingleOrDefaultAsync(ct);
            if (name is null) errors["locationId"] = ["Choose a location."];
            scope = $"All active at {name}";
            purchases = purchases.Where(p => p.LocationId == input.LocationId);
        }
        else if (input.Scope == BulkScope.CatalogItem)
        {
            var name = await db.CatalogItems.Where(i => i.Id == input.CatalogItemId).Select(i => i.Name).SingleOrDefaultAsync(ct);
            if (name is null) errors["catalogItemId"] = ["Choose a package or membership."];
            scope = $"{name} at all locations";
            purchases = purchases.Where(p => p.CatalogItemId == input.CatalogItemId);
        }
        else scope = "All active purchases";
        if (input.Note?.Length > 500) errors["note"] = ["Keep the note under 500 characters."];
        if (errors.Count > 0) return (null, [], ServiceResult.Invalid(errors));
        var start = input.StartsOn!.Value;
        var ids = await purchases.Where(p => p.Periods.Any(x => x.StartsOn <= start && x.EndsOn >= start)).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        return (scope, ids, null);
    }

    private static FreezeInput Input(BulkFreezeInput input, CatalogKind kind) =>
        new(input.StartsOn, input.EndsOn, kind == CatalogKind.Package ? FreezeMode.Extend : input.Mode, input.Note, input.OverrideNote);

    private static Task<CatalogKind> KindAsync(CoreDbContext db, int purchaseId, CancellationToken ct) =>
        db.Purchases.Where(p => p.Id == purchaseId).Select(p => p.Kind).SingleAsync(ct);

    private sealed record Names(int PurchaseId, string Purchase, string Client);

    private static Task<Names> NamesAsync(CoreDbContext db, int purchaseId, CancellationToken ct) =>
        db.Purchases.AsNoTracking().Where(p => p.Id == purchaseId)
            .Select(p => new Names(p.Id, p.Name, p.OwnerClient!.FirstName + " " + p.OwnerClient.LastName)).SingleAsync(ct);

    private static BulkFreezeLine Line(Names names, ServiceResult<FreezePlan> result, BulkFreezeInput input) =>
        new(names.PurchaseId, names.Purchase, names.Client, result.Value,
            !result.Succeeded ? result.Message
            : result.Value!.RuleBreaches.Count > 0 && string.IsNullOrWhiteSpace(input.OverrideNote) ? $"Breaks the item's rules (an override note is needed): {string.Join(" ", result.Value.RuleBreaches)}"
            : null);

    private static BulkFreezePlan Totals(string scope, BulkFreezeInput input, List<BulkFreezeLine> lines)
    {
        var plans = lines.Where(l => l.Plan is not null).Select(l => l.Plan!).ToList();
        return new BulkFreezePlan(scope, input.StartsOn!.Value, input.EndsOn!.Value, lines.Count, plans.Sum(p => p.Periods.Count),
            plans.Sum(p => p.Periods.Sum(c => (c.MaxBefore ?? 0) - (c.MaxAfter ?? 0))), plans.Sum(p => p.Bookings.Count),
            lines.Count(l => l.Plan is null), lines.Count(l => l.Plan is { RuleBreaches.Count: > 0 }), lines);
    }

    private static ServiceResult<T> Forbidden<T>() => ServiceResult.Failure<T>(ServiceResult.Forbidden("Only managers can freeze in bulk."));

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
