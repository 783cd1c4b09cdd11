using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>Simultaneous requests against one SQLite file: a credit or a place is never spent twice.</summary>
public sealed class BookingConcurrencyTests : IAsyncLifetime
{
    private static readonly string[] BuddyNames = ["Leo", "Ivy", "Max", "Zoe"];
    private readonly StudioBuilder _world = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fifty_simultaneous_bookings_from_five_clients_against_ten_shared_credits_book_exactly_ten()
    {
        var owner = await _world.ClientAsync("Maya", "Chen");
        var buddies = await StudioBuilder.InTurnAsync(BuddyNames, n => _world.ClientAsync(n, "Chen"));
        var pack = await _world.SellAsync(owner, "Family Pack", credits: 10, sharing: true);
        foreach (var buddy in buddies) await _world.ShareAsync(pack, buddy, ShareStatus.Accepted);
        var sessions = await StudioBuilder.InTurnAsync(Enumerable.Range(1, 10), i => _world.SessionAsync($"HIIT {i}", dayOffset: i));
        var clients = buddies.Prepend(owner).ToList();

        var results = await AllAtOnce.RunAsync(
            from client in clients
            from session in sessions
            select (Func<Task<ServiceResult<Features.Bookings.BookingReceipt>>>)(() =>
                _world.Bookings.BookAsync(TestUsers.Staff, session.Id, client.Id, pack.Id, Guid.NewGuid().ToString())));

        Assert.Equal(10, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r =>
        {
            Assert.Equal(Outcome.Conflict, r.Outcome);
            Assert.Equal("No credits left on Family Pack.", r.Message);
        });
        await using var db = _world.Db.CreateDbContext();
        var period = await db.CreditPeriods.SingleAsync(p => p.PurchaseId == pack.Id, Ct);
        Assert.Equal(0, period.Remaining);
        Assert.Equal(10, await db.Ledger.CountAsync(l => l.PeriodId == period.Id && l.Kind == LedgerKind.BookingUse, Ct));
        Assert.Equal(10, await db.Bookings.CountAsync(b => b.PurchaseId == pack.Id, Ct));
        Assert.Equal(10, await db.Sessions.SumAsync(s => s.BookedCount, Ct));
        Assert.Equal(Enumerable.Range(1, 10), (await db.Ledger.Where(l => l.Kind == LedgerKind.BookingUse).Select(l => l.UsedAfter).ToListAsync(Ct)).Order());
    }

    [Fact]
    public async Task Simultaneous_bookings_into_a_session_with_three_places_book_three_and_refuse_the_rest_as_full()
    {
        var session = await _world.SessionAsync("Personal Training", capacity: 3);
        var clients = await StudioBuilder.InTurnAsync(Enumerable.Range(1, 20), i => _world.ClientAsync($"Client{i}", "Lee"));
        var packs = await StudioBuilder.InTurnAsync(clients, c => _world.SellAsync(c, "10-Class Pack", credits: 10));

        var results = await AllAtOnce.RunAsync(clients.Zip(packs).Select(x =>
            (Func<Task<ServiceResult<Features.Bookings.BookingReceipt>>>)(() =>
                _world.Bookings.BookAsync(TestUsers.Staff, session.Id, x.First.Id, x.Second.Id, null))));

        Assert.Equal(3, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.EndsWith("is full.", r.Message, StringComparison.Ordinal));
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(3, (await db.Sessions.SingleAsync(s => s.Id == session.Id, Ct)).BookedCount);
        // The refused requests took no credit: the debit rolled back with the capacity check.
        Assert.Equal(3, await db.CreditPeriods.SumAsync(p => p.UsedCredits, Ct));
        Assert.Equal(3, await db.Ledger.CountAsync(l => l.Kind == LedgerKind.BookingUse, Ct));
    }

    [Fact]
    public async Task One_client_booked_twice_into_one_session_at_once_gets_one_booking_and_one_credit_used()
    {
        var client = await _world.ClientAsync("Tom", "Becker");
        var pack = await _world.SellAsync(client, "10-Class Pack", credits: 10);
        var session = await _world.SessionAsync("Spin 30");

        var results = await AllAtOnce.RunAsync(Enumerable.Range(0, 6).Select(_ =>
            (Func<Task<ServiceResult<Features.Bookings.BookingReceipt>>>)(() =>
                _world.Bookings.BookAsync(TestUsers.Staff, session.Id, client.Id, pack.Id, Guid.NewGuid().ToString()))));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.StartsWith("Tom Becker is already booked into Spin 30", r.Message, StringComparison.Ordinal));
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(1, await db.Bookings.CountAsync(Ct));
        Assert.Equal(1, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
        Assert.Equal(1, (await db.Sessions.SingleAsync(Ct)).BookedCount);
    }

    [Fact]
    public async Task The_same_request_sent_twice_at_once_books_once_and_both_get_the_same_booking()
    {
        var client = await _world.ClientAsync("Hannah", "Schmidt");
        var pack = await _world.SellAsync(client, "10-Class Pack", credits: 10);
        var session = await _world.SessionAsync("Vinyasa Yoga");
        var requestKey = Guid.NewGuid().ToString();

        var results = await AllAtOnce.RunAsync(Enumerable.Range(0, 2).Select(_ =>
            (Func<Task<ServiceResult<Features.Bookings.BookingReceipt>>>)(() =>
                _world.Bookings.BookAsync(TestUsers.Staff, session.Id, client.Id, pack.Id, requestKey))));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        Assert.Equal(results[0].Value!.BookingId, results[1].Value!.BookingId);
        Assert.Single(results, r => r.Value!.Replayed);
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(1, await db.Bookings.CountAsync(Ct));
        Assert.Equal(9, (await db.CreditPeriods.SingleAsync(Ct)).Remaining);
        Assert.Equal(1, await db.Ledger.CountAsync(l => l.Kind == LedgerKind.BookingUse, Ct));
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
