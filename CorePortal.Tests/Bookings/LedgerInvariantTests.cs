using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>Whatever happens in whatever order, each period's cached counts equal its ledger and never go below zero.</summary>
public sealed class LedgerInvariantTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_a_random_mix_of_sales_bookings_cancellations_and_attendance_every_period_agrees_with_its_ledger()
    {
        var random = new Random(20260302);
        var clients = await StudioBuilder.InTurnAsync(Enumerable.Range(1, 8), i => _world.ClientAsync($"Client{i}", "Random"));
        var sessions = await StudioBuilder.InTurnAsync(Enumerable.Range(0, 12), i => _world.SessionAsync($"Class {i}", dayOffset: i % 6, capacity: 1 + (i % 4)));
        var purchases = new List<Purchase>();
        var outcomes = new List<string>();

        for (var round = 0; round < 40; round++)
        {
            if (purchases.Count < 3 || random.Next(6) == 0)
            {
                var owner = clients[random.Next(clients.Count)];
                var pack = await _world.SellAsync(owner, $"Pack {purchases.Count}", credits: random.Next(4) == 0 ? null : random.Next(1, 5), sharing: true);
                foreach (var buddy in clients.Where(c => c != owner && random.Next(3) == 0))
                    await _world.ShareAsync(pack, buddy, (ShareStatus)random.Next(4));
                purchases.Add(pack);
            }
            var bookingIds = await LiveBookingIdsAsync();
            var batch = Enumerable.Range(0, 4).Select(_ => NextOperation(random, clients, sessions, purchases, bookingIds)).ToList();
            outcomes.AddRange(await Task.WhenAll(batch.Select(op => Task.Run(op, Ct))));
        }

        await using var db = _world.Db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(db, Ct));
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db, Ct)); // concurrent writers still leave each period's rows in order
        Assert.False(await db.CreditPeriods.AnyAsync(p => p.MaxCredits != null && p.UsedCredits > p.MaxCredits, Ct));
        var liveCounts = await db.Sessions.Select(s => new { s.BookedCount, Live = db.Bookings.Count(b => b.SessionId == s.Id && b.ActiveClientId != null) }).ToListAsync(Ct);
        Assert.All(liveCounts, s => Assert.Equal(s.Live, s.BookedCount));
        // The mix really exercised every path, refusals included.
        Assert.Contains("Ok", outcomes);
        Assert.Contains("Conflict", outcomes);
        Assert.Contains("Forbidden", outcomes);
        Assert.True(await db.Ledger.AnyAsync(l => l.Kind == LedgerKind.CancellationRefund, Ct));
    }

    [Fact]
    public async Task The_audit_reports_a_period_whose_used_count_was_changed_without_a_ledger_row()
    {
        var client = await _world.ClientAsync("Grace", "O'Neill");
        var pack = await _world.SellAsync(client, "10-Class Pack", credits: 10);
        Assert.True((await _world.Bookings.BookAsync(TestUsers.Staff, (await _world.SessionAsync("HIIT 45")).Id, client.Id, pack.Id, null, Ct)).Succeeded);
        await using var db = _world.Db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));

        await _world.Db.WriteAsync(w => w.CreditPeriods.ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedCredits, 3), Ct));

        var disagreement = Assert.Single(await LedgerAudit.FindDisagreementsAsync(db, Ct));
        Assert.Equal((3, 1, 10, 10), (disagreement.CachedUsed, disagreement.LedgerUsed, disagreement.CachedMax, disagreement.LedgerMax));
    }

    private Func<Task<string>> NextOperation(Random random, List<Client> clients, List<Session> sessions, List<Purchase> purchases, List<int> bookingIds)
    {
        var roll = random.Next(10);
        if (roll < 6 || bookingIds.Count == 0)
        {
            var client = clients[random.Next(clients.Count)];
            var session = sessions[random.Next(sessions.Count)];
            var purchase = purchases[random.Next(purchases.Count)];
            var key = random.Next(5) == 0 ? "replayed-key" : Guid.NewGuid().ToString();
            return async () => (await _world.Bookings.BookAsync(TestUsers.Staff, session.Id, client.Id, purchase.Id, key)).Outcome.ToString();
        }
        var bookingId = bookingIds[random.Next(bookingIds.Count)];
        return roll switch
        {
            < 8 => async () => (await _world.Bookings.CancelAsync(TestUsers.Staff, bookingId)).Outcome.ToString(),
            8 => async () => (await _world.Bookings.MarkAttendedAsync(TestUsers.Staff, bookingId)).Outcome.ToString(),
            _ => async () => (await _world.Bookings.MarkNoShowAsync(TestUsers.Staff, bookingId)).Outcome.ToString(),
        };
    }

    private async Task<List<int>> LiveBookingIdsAsync()
    {
        await using var db = _world.Db.CreateDbContext();
        return await db.Bookings.Where(b => b.Status != BookingStatus.Cancelled).OrderBy(b => b.Id).Select(b => b.Id).ToListAsync(Ct);
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
