using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>What staff choose for a future booking a cancellation or freeze touches.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BookingChoice>))]
public enum BookingChoice
{
    /// <summary>The booking stays on this purchase: only where the change still leaves its day covered.</summary>
    Keep,
    /// <summary>The credit goes back to this purchase and the booking is paid from another credit source of the client.</summary>
    MoveToOtherSource,
    /// <summary>The booking is cancelled and its credit refunded to this purchase (where a cancellation may then forfeit it).</summary>
    Cancel,
}

public sealed record BookingDecision(int BookingId, BookingChoice Choice, int? ToPurchaseId = null);

/// <summary>Another purchase the booking's client may pay with on the session's day.</summary>
public sealed record OtherSource(int PurchaseId, string Name, string Owner, int? CreditsLeft);

/// <summary>A live, future booking a lifecycle change touches, and what may be done with it.</summary>
public sealed record AffectedBooking(int BookingId, int SessionId, string SessionLabel, DateOnly Day, int ClientId, string Client, int PeriodId,
    bool CanKeep, IReadOnlyList<OtherSource> OtherSources)
{
    /// <summary>What the dialog starts with: keep where allowed, else move to the first other source, else cancel.</summary>
    public int? FirstOtherSource => OtherSources.Count > 0 ? OtherSources[0].PurchaseId : null;

    public BookingChoice DefaultChoice => CanKeep ? BookingChoice.Keep : OtherSources.Count > 0 ? BookingChoice.MoveToOtherSource : BookingChoice.Cancel;
}

/// <summary>
/// The future bookings of a purchase that a cancellation or a freeze touches, the choices for each, and the writes that carry
/// the choices out inside the caller's write transaction: one place for both changes, so the preview and the save agree.
/// </summary>
public static class AffectedBookings
{
    public const string Field = "bookings";

    /// <summary>
    /// The purchase's live bookings of sessions that have not started (each at its own location's now) on days the change
    /// touches, earliest first; <paramref name="keepable"/> says whether the change still lets the purchase cover a day.
    /// </summary>
    public static async Task<List<AffectedBooking>> FindAsync(CoreDbContext db, int purchaseId, Func<DateOnly, bool> touched, Func<DateOnly, bool> keepable,
        TimeProvider clock, CancellationToken ct)
    {
        var notStarted = db.Sessions.Where(await LocationTime.NotStartedAsync(db, clock, ct)).Select(s => s.Id);
        var live = await db.Bookings.AsNoTracking()
            .Where(b => b.PurchaseId == purchaseId && b.Status == BookingStatus.Booked && notStarted.Contains(b.SessionId))
            .OrderBy(b => b.Session!.StartsAt).ThenBy(b => b.Id)
            .Select(b => new { b.Id, b.SessionId, b.Session!.Name, b.Session.StartsAt, b.ClientId, Client = b.Client!.FirstName + " " + b.Client.LastName, b.PeriodId })
            .ToListAsync(ct);
        var affected = new List<AffectedBooking>();
        foreach (var b in live.Where(b => touched(DateOnly.FromDateTime(b.StartsAt))))
        {
            var day = DateOnly.FromDateTime(b.StartsAt);
            var others = await db.CreditPeriods.AsNoTracking().Where(PoolRule.Usable(db, b.ClientId, day)).Where(p => p.PurchaseId != purchaseId)
                .OrderBy(p => p.EndsOn).ThenBy(p => p.PurchaseId)
                .Select(p => new OtherSource(p.PurchaseId, p.Purchase!.Name, p.Purchase.OwnerClient!.FirstName + " " + p.Purchase.OwnerClient.LastName,
                    p.MaxCredits - p.UsedCredits))
                .ToListAsync(ct);
            affected.Add(new AffectedBooking(b.Id, b.SessionId, SessionLabel.Of(b.Name, b.StartsAt), day, b.ClientId, b.Client, b.PeriodId,
                keepable(day), others.DistinctBy(o => o.PurchaseId).ToList()));
        }
        return affected;
    }

    /// <summary>The decisions as asked, with the default for any booking they leave out; or why they cannot be carried out.</summary>
    public static ServiceResult<IReadOnlyList<BookingDecision>> Resolve(IReadOnlyList<AffectedBooking> affected, IReadOnlyList<BookingDecision>? asked)
    {
        asked ??= [];
        if (asked.FirstOrDefault(d => affected.All(a => a.BookingId != d.BookingId)) is { } stray)
            return Fail($"Booking {stray.BookingId} is not one this change touches: reload the preview.");
        var resolved = new List<BookingDecision>();
        foreach (var a in affected)
        {
            var d = asked.LastOrDefault(x => x.BookingId == a.BookingId) ?? new BookingDecision(a.BookingId, a.DefaultChoice, a.FirstOtherSource);
            if (!Enum.IsDefined(d.Choice)) return Fail($"Choose keep, move or cancel for {a.Client}'s {a.SessionLabel}.");
            if (d.Choice == BookingChoice.Keep && !a.CanKeep)
                return Fail($"{a.Client}'s {a.SessionLabel} cannot be kept: the purchase will not cover that day. Move it or cancel it.");
            if (d.Choice == BookingChoice.MoveToOtherSource)
            {
                var to = d.ToPurchaseId ?? a.FirstOtherSource;
                if (to is null || a.OtherSources.All(o => o.PurchaseId != to))
                    return Fail($"{a.Client} has no other credit source for {a.SessionLabel}: keep it or cancel it.");
                d = d with { ToPurchaseId = to };
            }
            resolved.Add(d with { ToPurchaseId = d.Choice == BookingChoice.MoveToOtherSource ? d.ToPurchaseId : null });
        }
        return ServiceResult.Success<IReadOnlyList<BookingDecision>>(resolved);

        static ServiceResult<IReadOnlyList<BookingDecision>> Fail(string message) =>
            ServiceResult.Failure<IReadOnlyList<BookingDecision>>(ServiceResult.Invalid(Field, message));
    }

    /// <summary>The sessions where the decisions free a place (a cancelled booking): their waitlists are filled after the commit.</summary>
    public static IReadOnlyList<int> FreedSessions(IReadOnlyList<AffectedBooking> affected, IReadOnlyList<BookingDecision> decisions) =>
        [.. decisions.Where(d => d.Choice == BookingChoice.Cancel).Select(d => affected.Single(a => a.BookingId == d.BookingId).SessionId).Distinct()];

    /// <summary>How many credits each period of this purchase gets back from the decisions (moves and cancellations refund one each).</summary>
    public static Dictionary<int, int> RefundsPerPeriod(IReadOnlyList<AffectedBooking> affected, IReadOnlyList<BookingDecision> decisions) =>
        decisions.Where(d => d.Choice != BookingChoice.Keep)
            .GroupBy(d => affected.Single(a => a.BookingId == d.BookingId).PeriodId)
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>
    /// Carries the decisions out inside the caller's write transaction: a cancel refunds the credit to its period and frees the
    /// place; a move refunds it and takes one from the other source through the same guarded debit as a booking. Returns the
    /// periods whose balances changed, or a failure (the caller then does not commit, so nothing is written).
    /// </summary>
    public static async Task<ServiceResult<List<int>>> ApplyAsync(CoreDbContext db, WriteTransaction tx, IReadOnlyList<AffectedBooking> affected,
        IReadOnlyList<BookingDecision> decisions, string actor, DateTime nowUtc, string why, CancellationToken ct)
    {
        var touched = new List<int>();
        foreach (var d in decisions.Where(d => d.Choice != BookingChoice.Keep))
        {
            var a = affected.Single(x => x.BookingId == d.BookingId);
            var purchaseId = await db.Bookings.Where(b => b.Id == a.BookingId).Select(b => b.PurchaseId).SingleAsync(ct);
            var refunded = await MoveUsedAsync(db, a.PeriodId, -1, ct);
            if (refunded is null) return Changed<List<int>>();
            if (d.Choice == BookingChoice.Cancel)
            {
                var cancelled = await db.Bookings.Where(b => b.Id == a.BookingId && b.Status == BookingStatus.Booked)
                    .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Cancelled).SetProperty(b => b.ActiveClientId, (int?)null)
                        .SetProperty(b => b.UsesCredit, false).SetProperty(b => b.CancelledAtUtc, nowUtc), ct);
                var freed = await db.Sessions.Where(s => s.Id == a.SessionId && s.BookedCount > 0)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.BookedCount, x => x.BookedCount - 1), ct);
                if (cancelled == 0 || freed == 0) return Changed<List<int>>();
                db.Ledger.Add(Row(purchaseId, a.PeriodId, LedgerKind.CancellationRefund, -1, refunded, a.BookingId, actor, nowUtc,
                    $"{a.SessionLabel} cancelled for {a.Client}: {why}"));
                touched.Add(a.PeriodId);
                continue;
            }

            // As a booking does: an authorized client's use of a pool is counted under its lock, so a cap holds on PostgreSQL too.
            if (!await db.Purchases.AnyAsync(p => p.Id == d.ToPurchaseId && p.OwnerClientId == a.ClientId, ct))
                await tx.LockAsync(LockNames.ShareUse(d.ToPurchaseId!.Value, a.ClientId), ct);
            var toPeriod = await db.CreditPeriods.AsNoTracking().Where(PoolRule.Usable(db, a.ClientId, a.Day)).Where(p => p.PurchaseId == d.ToPurchaseId)
                .OrderBy(p => p.RolledFromPeriodId == null).ThenBy(p => p.EndsOn).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
            var taken = toPeriod is null ? null : (await db.Database.SqlQuery<BookingService.PeriodBalance>(
                PoolRule.Sql(BookingService.DebitSql, a.ClientId, a.Day, toPeriod.Value, Guid.NewGuid())).ToListAsync(ct)).SingleOrDefault();
            if (taken is null)
                return ServiceResult.Failure<List<int>>(ServiceResult.Conflict($"The other credit source for {a.Client}'s {a.SessionLabel} has no credit left for it now: nothing was changed. Reload the preview."));
            var moved = await db.Bookings.Where(b => b.Id == a.BookingId && b.Status == BookingStatus.Booked)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.PurchaseId, d.ToPurchaseId!.Value).SetProperty(b => b.PeriodId, toPeriod!.Value), ct);
            if (moved == 0) return Changed<List<int>>();
            db.Ledger.Add(Row(purchaseId, a.PeriodId, LedgerKind.CancellationRefund, -1, refunded, a.BookingId, actor, nowUtc,
                $"{a.SessionLabel} for {a.Client} moved to another credit source: {why}"));
            db.Ledger.Add(Row(d.ToPurchaseId!.Value, toPeriod!.Value, LedgerKind.BookingUse, 1, new(taken.Used, taken.Max), a.BookingId, actor, nowUtc,
                $"{a.SessionLabel}, used by {a.Client} (moved here: {why})"));
            touched.AddRange([a.PeriodId, toPeriod.Value]);
        }
        await db.SaveChangesAsync(ct);
        return ServiceResult.Success(touched.Distinct().ToList());
    }

    private sealed record Balance(int Used, int? Max);

    private static async Task<Balance?> MoveUsedAsync(CoreDbContext db, int periodId, int by, CancellationToken ct)
    {
        var version = Guid.NewGuid();
        var moved = await db.CreditPeriods.Where(p => p.Id == periodId && p.UsedCredits + by >= 0)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedCredits, p => p.UsedCredits + by).SetProperty(p => p.Version, version), ct);
        if (moved == 0) return null;
        return await db.CreditPeriods.AsNoTracking().Where(p => p.Id == periodId).Select(p => new Balance(p.UsedCredits, p.MaxCredits)).SingleAsync(ct);
    }

    private static CreditLedgerEntry Row(int purchaseId, int periodId, LedgerKind kind, int amount, Balance after, int bookingId, string actor, DateTime nowUtc, string note) => new()
    {
        PurchaseId = purchaseId, PeriodId = periodId, Kind = kind, Amount = amount, MaxAfter = after.Max, UsedAfter = after.Used,
        BookingId = bookingId, Actor = actor, AtUtc = nowUtc, Note = note.Length > 500 ? note[..500] : note,
    };

    private static ServiceResult<T> Changed<T>() =>
        ServiceResult.Failure<T>(ServiceResult.Conflict("A booking changed while this was saved; nothing was changed. Reload the preview and try again."));
}
