using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>
/// On PostgreSQL nothing serializes writers: the door opens a plain READ COMMITTED transaction and requests run side by side
/// on many connections. Each test releases many requests through the services at once, then checks the invariant that
/// SQLite's single writer used to give for free.
/// </summary>
[Trait("Engine", "Postgres")]
public sealed class PostgresBookingConcurrencyTests : IAsyncLifetime
{
    private static readonly string[] BuddyNames = ["Leo", "Ivy", "Max", "Zoe"];
    private readonly TestDatabase _database = new(DatabaseEngine.Postgres);
    private readonly StudioBuilder _world;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public PostgresBookingConcurrencyTests() => _world = new StudioBuilder(_database, FixedClock.At(2026, 3, 2));

    [Fact]
    public async Task Sixty_simultaneous_bookings_on_a_shared_pool_of_25_credits_book_exactly_25_and_overfill_no_session()
    {
        var (owner, clients) = await FamilyAsync();
        var pack = await _world.SellAsync(owner, "Family Pack", credits: 25, sharing: true);
        foreach (var buddy in clients.Skip(1)) await _world.ShareAsync(pack, buddy, ShareStatus.Accepted);
        // 12 sessions of 3 places for 5 clients: 36 places, so credits run out first, and every session is fought over.
        var sessions = await StudioBuilder.InTurnAsync(Enumerable.Range(0, 12), i => _world.SessionAsync($"HIIT {i}", dayOffset: 1 + i % 6, capacity: 3,
            at: new TimeOnly(7 + i / 6, 0)));

        var results = await AllAtOnce.RunAsync(
            from client in clients
            from session in sessions
            select (Func<Task<ServiceResult<BookingReceipt>>>)(() =>
                _world.Bookings.BookAsync(TestUsers.Staff, session.Id, client.Id, pack.Id, Guid.NewGuid().ToString(), Ct)));

        Assert.Equal(60, results.Length);
        Assert.Equal(25, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r =>
        {
            Assert.Equal(Outcome.Conflict, r.Outcome);
            Assert.True(r.Message == "No credits left on Family Pack." || r.Message!.EndsWith("is full.", StringComparison.Ordinal), r.Message);
        });
        await using var db = _world.Db.CreateDbContext();
        var period = await db.CreditPeriods.AsNoTracking().SingleAsync(p => p.PurchaseId == pack.Id, Ct);
        var used = await db.Ledger.CountAsync(l => l.PeriodId == period.Id && l.Kind == LedgerKind.BookingUse, Ct);
        var refunded = await db.Ledger.CountAsync(l => l.PeriodId == period.Id && l.Kind == LedgerKind.CancellationRefund, Ct);
        Assert.Equal((25, 25), (period.UsedCredits, period.MaxCredits!.Value)); // not one credit over-spent
        Assert.Equal(period.UsedCredits, used - refunded);
        Assert.Equal(25, await db.Bookings.CountAsync(b => b.PurchaseId == pack.Id && b.Status == BookingStatus.Booked, Ct));
        var places = await db.Sessions.AsNoTracking()
            .Select(s => new { s.Capacity, s.BookedCount, Live = db.Bookings.Count(b => b.SessionId == s.Id && b.ActiveClientId != null) }).ToListAsync(Ct);
        Assert.All(places, s => Assert.True(s.BookedCount <= s.Capacity && s.BookedCount == s.Live, $"{s.BookedCount} booked, {s.Live} live, {s.Capacity} places"));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));
    }

    [Fact]
    public async Task Bookings_and_cancellations_at_once_over_several_days_keep_the_day_totals_equal_to_the_ledger()
    {
        var (owner, clients) = await FamilyAsync();
        var limited = await _world.SellAsync(owner, "Family Pack", credits: 20, sharing: true);
        var unlimited = await _world.SellAsync(owner, "Unlimited Month", credits: null, sharing: true);
        foreach (var buddy in clients.Skip(1))
        {
            await _world.ShareAsync(limited, buddy, ShareStatus.Accepted);
            await _world.ShareAsync(unlimited, buddy, ShareStatus.Accepted);
        }
        var sessions = await StudioBuilder.InTurnAsync(Enumerable.Range(0, 10), i => _world.SessionAsync($"Spin {i}", dayOffset: 5 + i % 5, capacity: 4,
            at: new TimeOnly(7 + i / 5, 0)));
        var random = new Random(20261207);
        var outcomes = new List<Outcome>();

        for (var day = 0; day < 4; day++) // the ledger dates each row by the clock: four days of rows, each day's totals kept in slots
        {
            _world.Clock.Now = new DateTimeOffset(2026, 3, 2 + day, 10, 0, 0, TimeSpan.Zero);
            var live = await LiveBookingIdsAsync();
            var requests = new List<Func<Task<Outcome>>>();
            for (var i = 0; i < 24; i++)
            {
                var client = clients[random.Next(clients.Count)];
                var session = sessions[random.Next(sessions.Count)];
                var pool = random.Next(2) == 0 ? limited : unlimited;
                requests.Add(async () => (await _world.Bookings.BookAsync(TestUsers.Staff, session.Id, client.Id, pool.Id, Guid.NewGuid().ToString(), Ct)).Outcome);
            }
            // Half of the live bookings cancelled, some twice at once: the second must refund nothing.
            foreach (var bookingId in live.Where(_ => random.Next(2) == 0))
            {
                requests.Add(async () => (await _world.Bookings.CancelAsync(TestUsers.Staff, bookingId, ct: Ct)).Outcome);
                if (random.Next(3) == 0) requests.Add(async () => (await _world.Bookings.CancelAsync(TestUsers.Staff, bookingId, ct: Ct)).Outcome);
            }
            outcomes.AddRange(await AllAtOnce.RunAsync(requests));
        }

        await using var db = _world.Db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(db, Ct));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));
        Assert.False(await db.CreditPeriods.AnyAsync(p => p.MaxCredits != null && p.UsedCredits > p.MaxCredits, Ct));
        var places = await db.Sessions.AsNoTracking()
            .Select(s => new { s.Capacity, s.BookedCount, Live = db.Bookings.Count(b => b.SessionId == s.Id && b.ActiveClientId != null) }).ToListAsync(Ct);
        Assert.All(places, s => Assert.True(s.BookedCount <= s.Capacity && s.BookedCount == s.Live, $"{s.BookedCount} booked, {s.Live} live, {s.Capacity} places"));
        // Not vacuous: bookings, refunds and refusals on several days, and some day's totals really spread over several slots.
        Assert.Contains(Outcome.Ok, outcomes);
        Assert.Contains(Outcome.Conflict, outcomes);
        Assert.True(await db.Ledger.AnyAsync(l => l.Kind == LedgerKind.CancellationRefund, Ct));
        Assert.True(await db.LedgerDailyTotals.Where(t => t.Kind == LedgerKind.BookingUse).Select(t => t.Day).Distinct().CountAsync(Ct) >= 3);
        Assert.True(await db.LedgerDailyTotals.GroupBy(t => new { t.Day, t.Kind }).Select(g => g.Count()).MaxAsync(Ct) > 1);
    }

    [Fact]
    public async Task Validity_edits_of_two_periods_of_one_purchase_at_once_leave_its_start_and_end_at_the_min_and_max_of_its_periods()
    {
        var owner = await _world.ClientAsync("Maya", "Chen");

        // Both edits move the purchase's start: the first period starts 5 days earlier, and the last period moves before both
        // (so the start is its new start, the end the middle period's end). Without tx.LockAsync("purchase:…") in SaveAsync
        // this fails: under READ COMMITTED both edits read all three periods before either commits; the edit of the first
        // period still sees the last period where it was, and recomputes StartsOn as its own new start. Purchase has no version
        // token, so when that edit commits second it overwrites the right StartsOn with the wrong one (EF Core writes only the
        // columns it changed, which is why the two edits must move the same bound to show it). Run without the lock (tried once),
        // a round failed with StartsOn 15 Feb instead of 2 Jan; with it, the second edit waits for the first to commit, then
        // reads both new dates.
        for (var round = 1; round <= 8; round++)
        {
            var membership = await _world.SellAsync(owner, $"3-Month Membership {round}", credits: 8, kind: CatalogKind.Membership, periodCount: 3);
            var (first, middle, last) = (membership.Periods[0], membership.Periods[1], membership.Periods[2]);
            var earlier = first.StartsOn.AddDays(-5);
            var before = (Starts: earlier.AddDays(-40 - round), Ends: earlier.AddDays(-10));
            var results = await AllAtOnce.RunAsync<ServiceResult<IReadOnlyList<AdjustmentPreview>>>(
            [
                () => _world.Adjustments.SaveAsync(TestUsers.Staff, new CreditAdjustment(membership.Id, [new PeriodVersion(first.Id, first.Version)],
                    CreditAction.AddCredits, null, EditValidity: true, StartsOn: earlier, EndsOn: first.EndsOn), Ct),
                () => _world.Adjustments.SaveAsync(TestUsers.Staff, new CreditAdjustment(membership.Id, [new PeriodVersion(last.Id, last.Version)],
                    CreditAction.AddCredits, null, EditValidity: true, StartsOn: before.Starts, EndsOn: before.Ends), Ct),
            ]);

            Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
            var after = await _world.PurchaseAsync(membership.Id);
            Assert.Equal((before.Starts, middle.EndsOn), (after.Periods.Min(p => p.StartsOn), after.Periods.Max(p => p.EndsOn)));
            Assert.Equal((before.Starts, middle.EndsOn), (after.StartsOn, after.EndsOn));
        }
    }

    [Fact]
    public async Task Two_bookings_with_one_request_key_at_once_make_one_booking_and_the_other_answers_as_a_replay()
    {
        var client = await _world.ClientAsync("Hannah", "Schmidt");
        var pack = await _world.SellAsync(client, "20-Class Pack", credits: 20);
        for (var round = 0; round < 8; round++) // several rounds, so the two really overlap
        {
            var session = await _world.SessionAsync($"Vinyasa Yoga {round}", dayOffset: 1 + round);
            var requestKey = Guid.NewGuid().ToString();

            var results = await AllAtOnce.RunAsync(Enumerable.Range(0, 2).Select(_ =>
                (Func<Task<ServiceResult<BookingReceipt>>>)(() => _world.Bookings.BookAsync(TestUsers.Staff, session.Id, client.Id, pack.Id, requestKey, Ct))));

            Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
            Assert.Equal(results[0].Value!.BookingId, results[1].Value!.BookingId);
            Assert.Single(results, r => r.Value!.Replayed);
        }
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(8, await db.Bookings.CountAsync(Ct));
        Assert.Equal(8, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
        Assert.Equal(8, await db.Ledger.CountAsync(l => l.Kind == LedgerKind.BookingUse, Ct));
        Assert.Equal(8, await db.Sessions.SumAsync(s => s.BookedCount, Ct));
    }

    private async Task<(Client Owner, List<Client> Clients)> FamilyAsync()
    {
        var owner = await _world.ClientAsync("Maya", "Chen");
        var buddies = await StudioBuilder.InTurnAsync(BuddyNames, n => _world.ClientAsync(n, "Chen"));
        return (owner, buddies.Prepend(owner).ToList());
    }

    private async Task<List<int>> LiveBookingIdsAsync()
    {
        await using var db = _world.Db.CreateDbContext();
        return await db.Bookings.Where(b => b.Status == BookingStatus.Booked).OrderBy(b => b.Id).Select(b => b.Id).ToListAsync(Ct);
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        _database.Dispose();
        return ValueTask.CompletedTask;
    }
}
