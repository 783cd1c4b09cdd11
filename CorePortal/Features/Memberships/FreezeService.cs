using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>Freezes (holds) of one purchase: preview, freeze, and end early. Every rule is checked here, on the server.</summary>
public sealed class FreezeService(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, TimeProvider clock,
    Func<Bookings.WaitlistPromoter>? waitlist = null)
{
    public const string ModeField = "mode";

    /// <summary>What the freeze would write, or why it is refused; writes nothing.</summary>
    public async Task<ServiceResult<FreezePlan>> PreviewAsync(ClaimsPrincipal user, int purchaseId, FreezeInput input, CancellationToken ct = default)
    {
        if (!Access.CanFreeze(user)) return ServiceResult.Failure<FreezePlan>(ServiceResult.Forbidden("Only front-desk staff and managers can freeze purchases."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await PlanAsync(db, user, purchaseId, input, forSave: false, ct)).Result;
    }

    /// <summary>Writes the freeze as its plan says, in one transaction, and returns the plan written (FreezeId set).</summary>
    public async Task<ServiceResult<FreezePlan>> FreezeAsync(ClaimsPrincipal user, int purchaseId, FreezeInput input, CancellationToken ct = default)
    {
        if (!Access.CanFreeze(user)) return ServiceResult.Failure<FreezePlan>(ServiceResult.Forbidden("Only front-desk staff and managers can freeze purchases."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var (result, touched) = await FreezeInTransactionAsync(db, tx, user, purchaseId, input, null, clock.GetUtcNow().UtcDateTime, ct);
        if (!result.Succeeded) return result;
        await tx.CommitAsync(ct);
        await feed.PublishPeriodsAsync(db, touched, CancellationToken.None);
        await FillWaitlistsAsync(AffectedBookings.FreedSessions(result.Value!.Bookings, result.Value.Decisions));
        return result;
    }

    /// <summary>Committed: the places the freeze freed (cancelled bookings) go to the sessions' waitlists.</summary>
    /// <remarks>Made when needed (Func): screens that only ask whether a purchase is frozen do not build the booking services.</remarks>
    internal Task FillWaitlistsAsync(IEnumerable<int> sessionIds) => waitlist is null ? Task.CompletedTask : waitlist().FillAllAsync(sessionIds);

    /// <summary>What ending the freeze early would write (the last frozen day yesterday unless told); writes nothing.</summary>
    public async Task<ServiceResult<FreezePlan>> PreviewEndAsync(ClaimsPrincipal user, int purchaseId, int freezeId, FreezeEndInput input, CancellationToken ct = default)
    {
        if (!Access.CanFreeze(user)) return ServiceResult.Failure<FreezePlan>(ServiceResult.Forbidden("Only front-desk staff and managers can unfreeze purchases."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await EndPlanAsync(db, purchaseId, freezeId, input.LastFrozenDay, undo: false, ct)).Result;
    }

    /// <summary>
    /// Unfreezes early: the freeze's last day becomes yesterday (or the day given) and the purchase is recomputed from that real
    /// end: extend moves the dates back by the days no longer frozen, prorate gives back the credits of the days now active.
    /// </summary>
    public async Task<ServiceResult<FreezePlan>> EndAsync(ClaimsPrincipal user, int purchaseId, int freezeId, FreezeEndInput input, CancellationToken ct = default)
    {
        if (!Access.CanFreeze(user)) return ServiceResult.Failure<FreezePlan>(ServiceResult.Forbidden("Only front-desk staff and managers can unfreeze purchases."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var (result, touched) = await EndInTransactionAsync(db, tx, user, purchaseId, freezeId, input.LastFrozenDay, undo: false, clock.GetUtcNow().UtcDateTime, ct);
        if (!result.Succeeded) return result;
        await tx.CommitAsync(ct);
        await feed.PublishPeriodsAsync(db, touched, CancellationToken.None);
        return result;
    }

    /// <summary>What the purchase card shows: the item's default mode, and the freeze now running or next to come (null: none).</summary>
    public async Task<FreezeCardInfo?> CardAsync(int purchaseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var today = Today();
        var purchase = await db.Purchases.AsNoTracking().Where(p => p.Id == purchaseId)
            .Select(p => new { p.Kind, p.CatalogItem!.DefaultFreezeMode, p.Status }).SingleOrDefaultAsync(ct);
        if (purchase is null) return null;
        var current = await db.Freezes.AsNoTracking()
            .Where(f => f.PurchaseId == purchaseId && f.Status == FreezeStatus.Active && (f.EndsOn == null || f.EndsOn >= today))
            .OrderBy(f => f.StartsOn).Select(f => new FreezeView(f.Id, f.StartsOn, f.EndsOn, f.Mode)).FirstOrDefaultAsync(ct);
        return new FreezeCardInfo(purchase.Kind == CatalogKind.Package ? FreezeMode.Extend : purchase.DefaultFreezeMode, purchase.Kind == CatalogKind.Package,
            purchase.Status == PurchaseStatus.Active, current);
    }

    /// <summary>
    /// The freeze inside the caller's write transaction (one purchase, or one of a bulk freeze): locks the purchase, touches its
    /// periods so a racing debit waits and re-checks, plans under the lock and writes exactly the plan. The caller commits.
    /// </summary>
    internal async Task<(ServiceResult<FreezePlan> Result, List<int> Touched)> FreezeInTransactionAsync(CoreDbContext db, WriteTransaction tx, ClaimsPrincipal user,
        int purchaseId, FreezeInput input, int? bulkFreezeId, DateTime nowUtc, CancellationToken ct)
    {
        await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
        await TouchAsync(db, purchaseId, ct);
        var (result, affected, steps) = await PlanAsync(db, user, purchaseId, input, forSave: true, ct);
        if (!result.Succeeded) return (result, []);
        var plan = result.Value!;
        var freeze = new Freeze
        {
            PurchaseId = purchaseId, StartsOn = plan.StartsOn, EndsOn = plan.EndsOn, PlannedEndsOn = plan.EndsOn, Mode = plan.Mode,
            Status = FreezeStatus.Active, Note = Clean(input.Note), OverrideNote = plan.RuleBreaches.Count > 0 ? Clean(input.OverrideNote) : null,
            Actor = user.ActorName(), CreatedAtUtc = nowUtc, BulkFreezeId = bulkFreezeId, FreezeRequestId = input.FreezeRequestId,
        };
        db.Freezes.Add(freeze);
        await db.SaveChangesAsync(ct);

        var applied = await AffectedBookings.ApplyAsync(db, tx, affected, plan.Decisions, user.ActorName(), nowUtc, $"frozen {Span(plan.StartsOn, plan.EndsOn)}", ct);
        if (!applied.Succeeded) return (ServiceResult.Failure<FreezePlan>(applied), []);
        var touched = await WriteAsync(db, purchaseId, steps, LedgerKind.Frozen, freeze.Note, user.ActorName(), nowUtc, ct);
        return (ServiceResult.Success(plan with { FreezeId = freeze.Id }, result.Message), [.. applied.Value!, .. touched]);
    }

    /// <summary>An early end, or (for a bulk undo) the whole freeze taken back, inside the caller's write transaction.</summary>
    internal async Task<(ServiceResult<FreezePlan> Result, List<int> Touched)> EndInTransactionAsync(CoreDbContext db, WriteTransaction tx, ClaimsPrincipal user,
        int purchaseId, int freezeId, DateOnly? lastFrozenDay, bool undo, DateTime nowUtc, CancellationToken ct)
    {
        await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
        await TouchAsync(db, purchaseId, ct);
        var (result, steps) = await EndPlanAsync(db, purchaseId, freezeId, lastFrozenDay, undo, ct);
        if (!result.Succeeded) return (result, []);
        var plan = result.Value!;
        var freeze = await db.Freezes.SingleAsync(f => f.Id == freezeId, ct);
        if (undo) freeze.Status = FreezeStatus.Undone;
        else freeze.EndsOn = plan.EndsOn;
        freeze.EndedAtUtc = nowUtc;
        var touched = await WriteAsync(db, purchaseId, steps, LedgerKind.Unfrozen, null, user.ActorName(), nowUtc, ct);
        return (result, touched);
    }

    /// <summary>Every period of the purchase gets a new version: a booking's debit that raced this write waits, then re-checks the freeze.</summary>
    private static async Task TouchAsync(CoreDbContext db, int purchaseId, CancellationToken ct)
    {
        var version = Guid.NewGuid();
        await db.CreditPeriods.Where(p => p.PurchaseId == purchaseId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Version, version), ct);
    }

    /// <summary>Writes the periods' changes as planned, one ledger row each, and the purchase's dates; returns the periods changed.</summary>
    private static async Task<List<int>> WriteAsync(CoreDbContext db, int purchaseId, IReadOnlyList<PeriodStep> steps, LedgerKind kind,
        string? note, string actor, DateTime nowUtc, CancellationToken ct)
    {
        var ids = steps.Select(s => s.Change.PeriodId).ToList();
        // Read after the bookings' refunds (written by statements, not through tracked entities): Used as it now stands.
        var periods = await db.CreditPeriods.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        foreach (var (c, why) in steps)
        {
            var p = periods[c.PeriodId];
            p.StartsOn = c.StartsOnAfter;
            p.EndsOn = c.EndsOnAfter;
            p.MaxCredits = c.MaxAfter;
            p.Version = Guid.NewGuid();
            db.Ledger.Add(new CreditLedgerEntry
            {
                PurchaseId = purchaseId, PeriodId = p.Id, Kind = kind, Amount = (c.MaxAfter ?? 0) - (c.MaxBefore ?? 0), MaxAfter = p.MaxCredits,
                UsedAfter = p.UsedCredits, StartsOnAfter = p.StartsOn, EndsOnAfter = p.EndsOn, Actor = actor, AtUtc = nowUtc,
                Note = Cut(note is null ? why : $"{why}. {note}"),
            });
        }
        await db.SaveChangesAsync(ct);
        var purchase = await db.Purchases.SingleAsync(p => p.Id == purchaseId, ct);
        var all = await db.CreditPeriods.AsNoTracking().Where(p => p.PurchaseId == purchaseId).Select(p => new { p.StartsOn, p.EndsOn }).ToListAsync(ct);
        purchase.StartsOn = all.Min(p => p.StartsOn);
        purchase.EndsOn = all.Max(p => p.EndsOn);
        await db.SaveChangesAsync(ct);
        return ids;
    }

    /// <summary>
    /// The freeze's plan from the stored rows: the rules, the mode, the bookings on frozen days with the choices taken, and what
    /// each period becomes. Preview and save both call it; the save, under the purchase's lock.
    /// </summary>
    internal async Task<(ServiceResult<FreezePlan> Result, IReadOnlyList<AffectedBooking> Affected, List<PeriodStep> Steps)> PlanAsync(CoreDbContext db, ClaimsPrincipal user, int purchaseId,
        FreezeInput input, bool forSave, CancellationToken ct)
    {
        static (ServiceResult<FreezePlan>, IReadOnlyList<AffectedBooking>, List<PeriodStep>) Fail(ServiceResult r) => (ServiceResult.Failure<FreezePlan>(r), [], []);

        var purchase = await db.Purchases.AsNoTracking().Where(p => p.Id == purchaseId).Include(p => p.CatalogItem).SingleOrDefaultAsync(ct);
        if (purchase is null) return Fail(ServiceResult.NotFound("That purchase does not exist."));
        var periods = await PeriodsAsync(db, purchaseId, ct);
        var others = await db.Freezes.AsNoTracking().Where(f => f.PurchaseId == purchaseId && f.Status == FreezeStatus.Active)
            .Select(f => new { f.StartsOn, f.EndsOn, f.Mode }).ToListAsync(ct);
        var today = Today();

        var errors = new Dictionary<string, string[]>();
        CheckNote(input.Note, "note", errors);
        CheckNote(input.OverrideNote, FreezeRules.OverrideNoteField, errors);
        var mode = input.Mode ?? (input.EndsOn is null || purchase.Kind == CatalogKind.Package ? FreezeMode.Extend : purchase.CatalogItem!.DefaultFreezeMode);
        if (!Enum.IsDefined(mode)) errors[ModeField] = ["Choose extend or prorate."];
        else if (mode == FreezeMode.Prorate && purchase.Kind == CatalogKind.Package) errors[ModeField] = ["A package's freeze always extends its validity: choose extend."];
        else if (mode == FreezeMode.Prorate && input.EndsOn is null) errors[ModeField] = ["A freeze until unfrozen always extends: choose an end date to prorate."];

        var live = periods.Where(p => p.EndsOn >= p.StartsOn).ToList();
        var closed = purchase.Status != PurchaseStatus.Active ? "This purchase is cancelled: it cannot be frozen."
            : purchase.CancelsOn is { } cancelsOn ? $"This purchase is cancelled from {cancelsOn.AddDays(1):d MMM yyyy}: it cannot be frozen."
            : live.Count == 0 ? "This purchase has no credits to freeze." : null;
        var verdict = FreezeRules.Check(FreezeTerms.Of(purchase.CatalogItem!), input.StartsOn, input.EndsOn, new FreezeSituation(today, DateWindow.Around(today),
            closed, live.Count > 0 ? live.Min(p => p.StartsOn) : today, live.Count > 0 ? live.Max(p => p.EndsOn) : today,
            [.. others.Select(o => new FrozenSpan(o.StartsOn, o.EndsOn))]));
        foreach (var (field, messages) in verdict.Errors) errors.TryAdd(field, messages);
        var canOverride = Access.CanOverrideFreezeRules(user);
        if (errors.Count == 0 && !canOverride)
            foreach (var b in verdict.Breaches) errors.TryAdd(b.Key, [$"{b.Value} Only a manager may freeze outside the item's rules."]);
        if (errors.Count == 0 && forSave && verdict.Breaches.Count > 0 && string.IsNullOrWhiteSpace(input.OverrideNote))
            errors[FreezeRules.OverrideNoteField] = ["This freeze breaks the item's rules: say why in the override note."];
        // Prorating sets each frozen period's credits when the freeze is saved: a period the renewal has not made yet could not
        // be prorated, so a prorated freeze ends within the periods that exist (the current and the next one).
        if (errors.Count == 0 && mode == FreezeMode.Prorate && input.EndsOn is { } proratedEnd && live.Count > 0 && proratedEnd > live.Max(p => p.EndsOn))
            errors[ModeField] = [$"A prorated freeze must end by {live.Max(p => p.EndsOn):d MMM yyyy}, the end of the periods made so far: choose extend, or an earlier end."];
        if (errors.Count > 0) return Fail(ServiceResult.Invalid(errors));

        var start = input.StartsOn!.Value;
        var end = input.EndsOn;
        var affected = await AffectedBookings.FindAsync(db, purchaseId, d => d >= start && (end is null || d <= end), _ => false, clock, ct);
        var decisions = AffectedBookings.Resolve(affected, input.Bookings);
        if (!decisions.Succeeded) return Fail(decisions);
        var refunds = AffectedBookings.RefundsPerPeriod(affected, decisions.Value!);

        List<PeriodStep> steps;
        string what;
        if (end is null)
        {
            steps = [];
            what = $"Frozen from {Text(start)} until unfrozen: the dates move when it ends";
        }
        else if (mode == FreezeMode.Extend)
        {
            var days = FreezeMath.Days(start, end.Value);
            what = $"Frozen {Span(start, end)}: validity extended by {N(days)} day{(days == 1 ? "" : "s")}";
            steps = [.. FreezeMath.Extend(periods, start, days, what)
                .Select(s => s with { Change = s.Change with { Used = s.Change.Used - refunds.GetValueOrDefault(s.Change.PeriodId) } })];
        }
        else
        {
            what = $"Frozen {Span(start, end)}: credits prorated";
            var prorated = others.Where(o => o.Mode == FreezeMode.Prorate).Select(o => new FrozenSpan(o.StartsOn, o.EndsOn)).ToList();
            steps = [.. FreezeMath.Prorate(periods, start, end.Value, prorated, refunds).Select(s => s with { Note = $"{what}, {s.Note}" })];
        }
        var plan = new FreezePlan(purchaseId, purchase.Name, start, end, mode, [.. steps.Select(s => s.Change)], affected, decisions.Value!,
            [.. verdict.Breaches.Select(b => b.Value)]);
        return (ServiceResult.Success(plan, what), affected, steps);
    }

    /// <summary>The early end's plan (or a bulk undo's, which takes back every frozen day) from the stored rows.</summary>
    internal async Task<(ServiceResult<FreezePlan> Result, List<PeriodStep> Steps)> EndPlanAsync(CoreDbContext db, int purchaseId, int freezeId, DateOnly? lastFrozenDay,
        bool undo, CancellationToken ct)
    {
        static (ServiceResult<FreezePlan>, List<PeriodStep>) Fail(ServiceResult r) => (ServiceResult.Failure<FreezePlan>(r), []);

        var freeze = await db.Freezes.AsNoTracking().SingleOrDefaultAsync(f => f.Id == freezeId && f.PurchaseId == purchaseId, ct);
        if (freeze is null) return Fail(ServiceResult.NotFound("That freeze does not exist."));
        if (freeze.Status != FreezeStatus.Active) return Fail(ServiceResult.Conflict("This freeze was undone."));
        if (freeze.EndedAtUtc is not null && !undo) return Fail(ServiceResult.Conflict($"This freeze was already ended early, on {Text(freeze.EndsOn!.Value)}."));
        var name = await db.Purchases.AsNoTracking().Where(p => p.Id == purchaseId).Select(p => p.Name).SingleAsync(ct);
        var today = Today();
        var earliest = freeze.StartsOn.AddDays(-1) > today.AddDays(-1) ? freeze.StartsOn.AddDays(-1) : today.AddDays(-1);
        var last = undo ? freeze.StartsOn.AddDays(-1) : lastFrozenDay ?? earliest;
        if (!undo)
        {
            if (DateWindow.Around(today).Refusal(last, "The last frozen day") is { } outside) return Fail(ServiceResult.Invalid("lastFrozenDay", outside));
            if (last < earliest) return Fail(ServiceResult.Invalid("lastFrozenDay", $"The last frozen day can be {Text(earliest)} at the earliest: days already past stay frozen."));
            if (freeze.EndsOn is { } planned && last >= planned)
                return Fail(ServiceResult.Invalid("lastFrozenDay", $"The freeze already ends on {Text(planned)}: choose an earlier last frozen day."));
        }
        var periods = await PeriodsAsync(db, purchaseId, ct);
        var newDays = FreezeMath.Days(freeze.StartsOn, last);
        List<PeriodStep> steps;
        string what = undo ? $"Freeze {Span(freeze.StartsOn, freeze.EndsOn)} undone" : newDays == 0
            ? $"Freeze {Span(freeze.StartsOn, freeze.EndsOn)} ended before it began"
            : $"Unfrozen early: frozen {Span(freeze.StartsOn, last)}";
        if (freeze.Mode == FreezeMode.Extend)
        {
            // An open-ended freeze moved nothing yet: its end moves the dates by the real frozen days.
            var oldDays = freeze.EndsOn is { } e ? FreezeMath.Days(freeze.StartsOn, e) : 0;
            steps = FreezeMath.Extend(periods, freeze.StartsOn, newDays - oldDays, what);
        }
        else
        {
            var forfeited = await db.Ledger.AsNoTracking()
                .Where(l => l.PurchaseId == purchaseId && l.Kind == LedgerKind.Frozen && l.AtUtc == freeze.CreatedAtUtc)
                .GroupBy(l => l.PeriodId).Select(g => new { g.Key, Amount = g.Sum(l => l.Amount) }).ToDictionaryAsync(g => g.Key, g => -g.Amount, ct);
            var others = await db.Freezes.AsNoTracking()
                .Where(f => f.PurchaseId == purchaseId && f.Id != freezeId && f.Status == FreezeStatus.Active && f.Mode == FreezeMode.Prorate)
                .Select(f => new FrozenSpan(f.StartsOn, f.EndsOn)).ToListAsync(ct);
            steps = [.. FreezeMath.Unprorate(periods, freeze.StartsOn, freeze.EndsOn!.Value, last, others, forfeited).Select(s => s with { Note = $"{what}, {s.Note}" })];
        }
        var plan = new FreezePlan(purchaseId, name, freeze.StartsOn, undo ? freeze.EndsOn : last, freeze.Mode, [.. steps.Select(s => s.Change)], [], [], [], freeze.Id);
        return (ServiceResult.Success(plan, what), steps);
    }

    private static async Task<List<PeriodState>> PeriodsAsync(CoreDbContext db, int purchaseId, CancellationToken ct) =>
        await db.CreditPeriods.AsNoTracking().Where(p => p.PurchaseId == purchaseId).OrderBy(p => p.StartsOn).ThenBy(p => p.Id)
            .Select(p => new PeriodState(p.Id, p.RolledFromPeriodId != null, p.StartsOn, p.EndsOn, p.MaxCredits, p.UsedCredits)).ToListAsync(ct);

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    private static void CheckNote(string? typed, string field, Dictionary<string, string[]> errors)
    {
        if (typed?.Length > 500) errors[field] = ["Keep the note under 500 characters."];
        else if (CleanText.Note(typed, out var error) is null) errors[field] = [error!];
    }

    private static string? Clean(string? typed) => CleanText.Note(typed, out _) is { Length: > 0 } cleaned ? cleaned : null;

    private static string Cut(string note) => note.Length > 500 ? note[..500] : note;

    internal static string Span(DateOnly start, DateOnly? end) => end is { } e ? $"{Text(start)} – {Text(e)}" : $"from {Text(start)} until unfrozen";

    private static string Text(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>An early end: the last frozen day (yesterday unless told).</summary>
public sealed record FreezeEndInput(DateOnly? LastFrozenDay = null);

/// <summary>A freeze as the purchase card shows it.</summary>
public sealed record FreezeView(int Id, DateOnly StartsOn, DateOnly? EndsOn, FreezeMode Mode);

/// <summary>The purchase card's freeze facts: the mode the dialog starts with, and the freeze running or coming.</summary>
public sealed record FreezeCardInfo(FreezeMode DefaultMode, bool IsPackage, bool IsActive, FreezeView? Current);
