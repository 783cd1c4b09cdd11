using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>
/// Books clients into sessions from a credit pool. Credits and places are taken by conditional updates inside
/// one transaction, so simultaneous requests can never spend a credit or a place twice.
/// </summary>
public sealed partial class BookingService(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, TimeProvider clock, PortalMetrics metrics,
    Memberships.MembershipRenewal renewal, Notifications.OutboxSignal outbox, Func<WaitlistPromoter>? waitlist = null)
{
    /// <summary>
    /// The client's own active purchases and the accepted shared ones, each with the time frame containing the
    /// session's date and credits left (or unlimited), that the pool rule lets the client book from (a paused or capped
    /// authorized client is not offered the pool); the earliest-expiring first, a capped source with what is left of the cap.
    /// </summary>
    public async Task<ServiceResult<IReadOnlyList<CreditSource>>> CreditSourcesAsync(ClaimsPrincipal user, int clientId, int sessionId, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<IReadOnlyList<CreditSource>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var startsAt = await db.Sessions.Where(s => s.Id == sessionId).Select(s => (DateTime?)s.StartsAt).FirstOrDefaultAsync(ct);
        if (startsAt is null) return ServiceResult.Failure<IReadOnlyList<CreditSource>>(ServiceResult.NotFound("That session no longer exists."));
        var day = DateOnly.FromDateTime(startsAt.Value);
        var sources = await db.CreditPeriods.AsNoTracking()
            .Where(PoolRule.Usable(db, clientId, day))
            .OrderBy(p => p.EndsOn).ThenBy(p => p.PurchaseId)
            .Select(p => new CreditSource(p.PurchaseId, p.Id, p.Purchase!.Name,
                p.Purchase.OwnerClient!.FirstName + " " + p.Purchase.OwnerClient.LastName,
                p.Purchase.OwnerClientId != clientId, p.MaxCredits - p.UsedCredits, p.EndsOn, null))
            .ToListAsync(ct);
        if (sources.Any(s => s.IsShared)) sources = await WithLimitsAsync(db, clientId, day, sources, ct);
        return ServiceResult.Success<IReadOnlyList<CreditSource>>(sources);
    }

    /// <summary>
    /// Books the client into the session with one credit of the purchase's time frame on the session's date.
    /// A request key seen before returns the booking it made instead of booking again.
    /// </summary>
    public async Task<ServiceResult<BookingReceipt>> BookAsync(ClaimsPrincipal user, int sessionId, int clientId, int purchaseId, string? requestKey, CancellationToken ct = default)
    {
        // Counted here, once, whichever of the many exits below the result took.
        var result = await BookOnceAsync(user, sessionId, clientId, purchaseId, requestKey, ct);
        if (!result.Succeeded) metrics.BookingRefused(result.Outcome);
        else if (!result.Value!.Replayed) metrics.BookingMade();
        return result;
    }

    private async Task<ServiceResult<BookingReceipt>> BookOnceAsync(ClaimsPrincipal user, int sessionId, int clientId, int purchaseId, string? requestKey, CancellationToken ct)
    {
        if (!Access.CanUseCreditsFor(user, clientId)) return Fail(ServiceResult.Forbidden("Your role does not allow booking for this client."));
        requestKey = string.IsNullOrWhiteSpace(requestKey) ? null : requestKey.Trim();
        if (requestKey is { Length: > 100 }) return Fail(ServiceResult.Invalid("requestKey", "The request key is longer than 100 characters."));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (requestKey is not null && await ReplayAsync(db, requestKey, clientId, ct) is { } replay) return replay;
        await RenewThroughSessionAsync(db, sessionId, purchaseId, ct);
        // Checked before the write lock, so bookers queue only for the writes. What another writer may change meanwhile
        // is checked again where it counts: the debit and the place are conditional, the unique indexes refuse a
        // second live booking or a reused request key.
        var facts = await ReadFactsAsync(db, sessionId, clientId, purchaseId, ct);
        if (Refusal(facts, clientId, clock) is { } refusal) // the same request may have committed since the first look: that is a replay
            return requestKey is not null && await ReplayAsync(db, requestKey, clientId, ct) is { } late ? late : refusal;

        try
        {
            return await WriteBookingAsync(db, user, facts!, clientId, requestKey, ct);
        }
        catch (Exception ex) when (DbErrors.IsUnique(ex, "RequestKey") || DbErrors.IsUnique(ex, "ActiveClientId"))
        {
            // The same request (or the same client) was booked by a writer that committed after our checks.
            if (requestKey is not null && await ReplayAsync(db, requestKey, clientId, ct) is { } replayed) return replayed;
            return DbErrors.IsUnique(ex, "ActiveClientId")
                ? Fail(ServiceResult.Conflict($"{facts!.Client} is already booked into {facts.SessionLabel}."))
                : Fail(ServiceResult.Conflict("This request was already handled."));
        }
    }

    /// <summary>
    /// Booking far ahead: an open-ended membership has periods up to the next one only, so one covering a later session's day
    /// is made first (by the renewal, the one period boundary), up to the studio's date window; then the booking goes on as usual.
    /// </summary>
    private async Task RenewThroughSessionAsync(CoreDbContext db, int sessionId, int purchaseId, CancellationToken ct)
    {
        var session = await db.Sessions.Where(s => s.Id == sessionId).Select(s => new { s.StartsAt, s.Location!.TimeZoneId }).FirstOrDefaultAsync(ct);
        if (session is null || HasStarted(session.StartsAt, session.TimeZoneId, clock)) return;
        var day = DateOnly.FromDateTime(session.StartsAt);
        if (await db.Purchases.AnyAsync(p => p.Id == purchaseId && p.Kind == CatalogKind.Membership && p.Renewal == RenewalKind.OpenEnded
                && p.Status == PurchaseStatus.Active && p.CancelledAtUtc == null && p.EndsOn < day, ct))
            await renewal.EnsurePeriodsThroughAsync(purchaseId, day, ct);
    }

    // Under the write lock: one statement per step, so other bookers wait for as little as possible.
    // beforeCommit (a waitlist promotion) runs in the same transaction once the booking row exists; false undoes everything.
    private async Task<ServiceResult<BookingReceipt>> WriteBookingAsync(CoreDbContext db, ClaimsPrincipal user, BookingFacts facts,
        int clientId, string? requestKey, CancellationToken ct, Func<CoreDbContext, int, Task<bool>>? beforeCommit = null)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        // PostgreSQL has no writer queue: the same request sent twice waits here for the first to commit, so its second look
        // finds that booking and replays it, rather than spending a credit the unique index then refuses.
        if (requestKey is not null) await tx.LockAsync(LockNames.RequestKey("booking", requestKey), ct);
        if (requestKey is not null && await ReplayAsync(db, requestKey, clientId, ct) is { } replay) return replay; // committed while we queued
        var periodId = facts.PeriodId!.Value;
        // An authorized client's caps count their bookings: PostgreSQL's READ COMMITTED debit would not see one another booker
        // of theirs is about to commit, so their bookings from this pool take turns (SQLite has one writer already).
        if (clientId != facts.OwnerClientId) await tx.LockAsync(LockNames.ShareUse(facts.PurchaseId, clientId), ct);
        // Takes the credit only while the time frame still covers the day and has one left, and the client may still use it.
        // The version as a Guid: EF Core binds it the way each engine stores it (upper-case text on SQLite, uuid on PostgreSQL).
        var balance = (await db.Database.SqlQuery<PeriodBalance>(PoolRule.Sql(DebitSql, clientId, facts.Day, periodId, Guid.NewGuid()))
            .ToListAsync(ct)).SingleOrDefault();
        if (balance is null) // something changed since the checks: say what, as it stands under the lock
            return Refusal(await ReadFactsAsync(db, facts.SessionId, clientId, facts.PurchaseId, ct), clientId, clock)
                ?? Fail(ServiceResult.Conflict($"No credits left on {facts.PurchaseName}."));
        // PostgreSQL: a freeze or cancellation that committed while the debit waited for the period's row lock is seen only
        // by a new statement (see PoolRule.StillOpenSql); the transaction is not committed, so refusing here undoes the debit.
        if (db.Engine == DatabaseEngine.Postgres
            && (await db.Database.SqlQuery<int>(FormattableStringFactory.Create(PoolRule.StillOpenSql, facts.PurchaseId, facts.Day)).ToListAsync(ct)).Single() == 0)
            return Refusal(await ReadFactsAsync(db, facts.SessionId, clientId, facts.PurchaseId, ct), clientId, clock)
                ?? Fail(ServiceResult.Conflict($"{facts.PurchaseName} changed while booking; nothing was changed."));
        var placed = await db.Database.ExecuteSqlAsync(
            $"""UPDATE "Sessions" SET "BookedCount" = "BookedCount" + 1 WHERE "Id" = {facts.SessionId} AND "BookedCount" < "Capacity" """, ct);
        if (placed == 0) return Fail(ServiceResult.Conflict($"{facts.SessionLabel} is full."));

        var now = clock.GetUtcNow().UtcDateTime; // Kind Utc: PostgreSQL's timestamptz takes no other
        var bookingId = (await db.Database.SqlQuery<int>($"""
            INSERT INTO "Bookings" ("SessionId", "ClientId", "PurchaseId", "PeriodId", "Status", "BookedAtUtc", "ActiveClientId", "RequestKey", "UsesCredit")
            VALUES ({facts.SessionId}, {clientId}, {facts.PurchaseId}, {periodId}, {(int)BookingStatus.Booked}, {now}, {clientId}, {requestKey}, {true})
            RETURNING "Id" AS "Value"
            """).ToListAsync(ct)).Single();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Ledger" ("PurchaseId", "PeriodId", "Kind", "Amount", "MaxAfter", "UsedAfter", "BookingId", "Actor", "AtUtc", "Note")
            VALUES ({facts.PurchaseId}, {periodId}, {(int)LedgerKind.BookingUse}, 1, {balance.Max}, {balance.Used}, {bookingId},
              {user.ActorName()}, {now}, {$"{facts.SessionLabel}, used by {facts.Client}"})
            """, ct);
        if (facts.Limits is { NotifyOwner: true } asked) await QueueOwnerNoticeAsync(db, facts, asked, now, ct);
        if (beforeCommit is not null && !await beforeCommit(db, bookingId))
            return Fail(ServiceResult.Conflict("The waitlist entry changed meanwhile; nothing was booked."));
        await tx.CommitAsync(ct);
        if (facts.Limits is { NotifyOwner: true }) outbox.Poke();
        // Committed: tell listeners (even if the caller gave up) from what the debit returned, without reading again.
        await feed.PublishAsync(new BalanceChanged(facts.PurchaseId, periodId, facts.LocationId, [facts.OwnerClientId, .. facts.SharedWith],
            balance.Used, balance.Max, balance.Max - balance.Used));
        return ServiceResult.Success(new BookingReceipt(bookingId, periodId, balance.Max - balance.Used, Replayed: false),
            $"{facts.Client} is booked into {facts.SessionLabel}.");
    }

    // The pool rule restated in SQL (PoolRule.UsableSql: {0} client, {1} day) so the debit re-checks it in the same statement
    // that takes the credit; {2} the period, {3} the new version. One guarded statement: correct under READ COMMITTED too, as
    // PostgreSQL re-evaluates the WHERE on the row a concurrent debit committed before it updates it.
    internal static readonly string DebitSql = $$"""
        UPDATE "CreditPeriods" SET "UsedCredits" = "UsedCredits" + 1, "Version" = {3}
        WHERE "Id" = {2} AND {{PoolRule.UsableSql}}
        RETURNING "UsedCredits" AS "Used", "MaxCredits" AS "Max"
        """;

    internal sealed record PeriodBalance(int Used, int? Max);

    /// <summary>What a booking is decided on, in one read: null when the session does not exist.</summary>
    private sealed record BookingFacts(int SessionId, string SessionName, DateTime StartsAt, string TimeZoneId, string? Client, int PurchaseId, string? PurchaseName,
        int OwnerClientId, PurchaseStatus Status, int LocationId, bool AlreadyBooked, int? PeriodId, bool Held, bool Frozen)
    {
        /// <summary>The clients who accepted a share of the purchase: they may book from it and hear of its balance.</summary>
        public IReadOnlyList<int> SharedWith { get; init; } = [];
        /// <summary>The booker's share of the purchase, with its limits and use, when they are an authorized client.</summary>
        public Sharing.ShareUse? Limits { get; init; }
        public DateOnly Day => DateOnly.FromDateTime(StartsAt);
        public string SessionLabel => Bookings.SessionLabel.Of(SessionName, StartsAt);
    }

    private static async Task<BookingFacts?> ReadFactsAsync(CoreDbContext db, int sessionId, int clientId, int purchaseId, CancellationToken ct)
    {
        var held = PoolRule.HeldBy(db, clientId);
        var facts = await (
            from s in db.Sessions.Where(s => s.Id == sessionId)
            from c in db.Clients.Where(c => c.Id == clientId).DefaultIfEmpty()
            from p in db.Purchases.Where(p => p.Id == purchaseId).DefaultIfEmpty()
            select new BookingFacts(s.Id, s.Name, s.StartsAt, s.Location!.TimeZoneId, c == null ? null : c.FirstName + " " + c.LastName,
                purchaseId, p == null ? null : p.Name, p == null ? 0 : p.OwnerClientId, p == null ? PurchaseStatus.Active : p.Status, p == null ? 0 : p.LocationId,
                db.Bookings.Any(b => b.SessionId == sessionId && b.ActiveClientId == clientId),
                // The period to spend from: one with a credit left first, a bucket of rolled credits before a regular period.
                db.CreditPeriods.Where(x => x.PurchaseId == purchaseId && x.StartsOn <= DateOnly.FromDateTime(s.StartsAt) && x.EndsOn >= DateOnly.FromDateTime(s.StartsAt))
                    .OrderBy(x => x.MaxCredits != null && x.UsedCredits >= x.MaxCredits).ThenBy(x => x.RolledFromPeriodId == null).ThenBy(x => x.EndsOn)
                    .Select(x => (int?)x.Id).FirstOrDefault(),
                db.Purchases.Where(x => x.Id == purchaseId).Any(held),
                db.Freezes.Any(f => f.PurchaseId == purchaseId && f.Status == FreezeStatus.Active && f.StartsOn <= DateOnly.FromDateTime(s.StartsAt)
                    && (f.EndsOn == null || f.EndsOn >= DateOnly.FromDateTime(s.StartsAt)))))
            .AsNoTracking().FirstOrDefaultAsync(ct);
        if (facts is not { PurchaseName: not null }) return facts;
        return facts with
        {
            SharedWith = await db.PurchaseShares.Where(PoolRule.AcceptedShare).Where(x => x.PurchaseId == purchaseId).Select(x => x.ClientId).ToListAsync(ct),
            Limits = facts.OwnerClientId == clientId ? null : (await Sharing.ShareUse.ReadAsync(db,
                db.PurchaseShares.Where(PoolRule.AcceptedShare).Where(x => x.PurchaseId == purchaseId && x.ClientId == clientId), facts.Day, ct)).Values.FirstOrDefault(),
        };
    }

    /// <summary>
    /// Why this booking cannot be made, in the order staff should hear it; null when it can. The one booking rule for the
    /// portal, the staff API and the members' app alike: a session that has started (by the studio's clock) takes no bookings.
    /// </summary>
    private static ServiceResult<BookingReceipt>? Refusal(BookingFacts? facts, int clientId, TimeProvider clock)
    {
        if (facts is null) return Fail(ServiceResult.NotFound("That session no longer exists."));
        if (HasStarted(facts.StartsAt, facts.TimeZoneId, clock)) return Fail(ServiceResult.Conflict($"{facts.SessionLabel} has started: it can no longer be booked."));
        if (facts.Client is null) return Fail(ServiceResult.NotFound("That client no longer exists."));
        if (facts.PurchaseName is null) return Fail(ServiceResult.NotFound("That package or membership no longer exists."));
        if (!facts.Held)
            return Fail(ServiceResult.Forbidden($"{facts.Client} may not use {facts.PurchaseName}: it is not theirs and not shared with them."));
        if (facts.Status != PurchaseStatus.Active) return Fail(ServiceResult.Conflict($"{facts.PurchaseName} was cancelled."));
        if (facts.Frozen) return Fail(ServiceResult.Conflict($"{facts.PurchaseName} is frozen on {facts.Day:d MMM yyyy}: it cannot be used for {facts.SessionLabel}."));
        if (facts.AlreadyBooked) return Fail(ServiceResult.Conflict($"{facts.Client} is already booked into {facts.SessionLabel}."));
        if (facts.PeriodId is null) return Fail(ServiceResult.Conflict($"{facts.PurchaseName} is not valid on {facts.SessionLabel}."));
        if (facts.Limits?.Refusal(facts.PurchaseName) is { } limited) return Fail(ServiceResult.Conflict(limited));
        return null;
    }

    private static async Task<ServiceResult<BookingReceipt>?> ReplayAsync(CoreDbContext db, string requestKey, int clientId, CancellationToken ct)
    {
        var original = await db.Bookings.AsNoTracking().Where(b => b.RequestKey == requestKey)
            .Select(b => new { b.Id, b.ClientId, b.PeriodId, Remaining = db.CreditPeriods.Where(p => p.Id == b.PeriodId).Select(p => p.MaxCredits - p.UsedCredits).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        if (original is null) return null;
        if (original.ClientId != clientId) return Fail(ServiceResult.Conflict("This request key was already used for another booking."));
        return ServiceResult.Success(new BookingReceipt(original.Id, original.PeriodId, original.Remaining, Replayed: true), "This booking was already made.");
    }

    private static ServiceResult<BookingReceipt> Fail(ServiceResult failure) => ServiceResult.Failure<BookingReceipt>(failure);

    /// <summary>Whether a session starting at <paramref name="startsAt"/> (wall-clock time in its location's zone) has started.</summary>
    public static bool HasStarted(DateTime startsAt, string? timeZoneId, TimeProvider clock) =>
        LocationTime.Until(startsAt, LocationTime.Zone(timeZoneId, clock), clock) <= TimeSpan.Zero;
}
