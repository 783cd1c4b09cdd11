using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Features.Credits;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Benchmarks;

/// <summary>
/// A fresh pool for one booking run: a new client owning a package of N credits valid today, and one session
/// per credit plus a few spare (so bookers run the pool dry and then see it refuse), all tomorrow.
/// </summary>
public sealed record BookingPool(int ClientId, int PurchaseId, int PeriodId, int Credits, IReadOnlyList<int> SessionIds)
{
    public static async Task<BookingPool> CreateAsync(BenchHost host, string label, int credits)
    {
        await using var db = host.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        var location = await db.Locations.OrderBy(l => l.Id).FirstAsync();
        var client = new Client
        {
            FirstName = "Bench", LastName = label, Email = $"bench.{label}@example.com", Phone = "555-0199",
            Barcode = $"BENCH-{label}", HomeLocationId = location.Id,
        };
        ClientSearchKeys.Apply(client);
        var item = new CatalogItem { Kind = CatalogKind.Package, Name = $"Bench pool {label}", PriceCents = 100, LocationId = location.Id, CreditsPerPeriod = credits, ValidityDays = 30 };
        db.AddRange(client, item);
        var tomorrow = DateOnly.FromDateTime(DateTime.Now).AddDays(1);
        var sessions = Enumerable.Range(0, credits + 20).Select(i => new Session
        {
            Name = $"Bench {label} {i}", LocationId = location.Id, Trainer = "Bench", DurationMinutes = 30, Capacity = 5,
            StartsAt = tomorrow.ToDateTime(new TimeOnly(6, 0)).AddSeconds(i),
        }).ToList();
        db.Sessions.AddRange(sessions);
        await db.SaveChangesAsync();
        var now = DateTime.UtcNow;
        var purchase = PurchaseTerms.Create(item, client.Id, DateOnly.FromDateTime(DateTime.Now), now);
        db.Purchases.Add(purchase);
        await db.SaveChangesAsync();
        db.Ledger.AddRange(PurchaseTerms.Grants(purchase, "Bench", now));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        var period = purchase.Periods.Single();
        return new BookingPool(client.Id, purchase.Id, period.Id, credits, sessions.Select(s => s.Id).ToList());
    }

    /// <summary>The checks of issue 8: pool at exactly zero, no over-spend, one BookingUse row per success, the ledger audit clean.</summary>
    public async Task<List<string>> CheckAsync(BenchHost host, int succeeded, bool expectBookings)
    {
        await using var db = host.CreateDbContext();
        var period = await db.CreditPeriods.AsNoTracking().SingleAsync(p => p.Id == PeriodId);
        var uses = await db.Ledger.CountAsync(l => l.PeriodId == PeriodId && l.Kind == LedgerKind.BookingUse);
        var bookings = await db.Bookings.CountAsync(b => b.PeriodId == PeriodId);
        var audit = await LedgerAudit.FindDisagreementsAsync(db);
        var failed = new List<string>();
        if (period.Remaining != 0) failed.Add($"pool ends at {period.Remaining}, not 0");
        if (period.UsedCredits > Credits) failed.Add($"over-spent: {period.UsedCredits} used of {Credits}");
        if (succeeded != Credits) failed.Add($"{succeeded} successful bookings, expected {Credits}");
        if (uses != succeeded) failed.Add($"{uses} BookingUse ledger rows for {succeeded} successful bookings");
        if (expectBookings && bookings != succeeded) failed.Add($"{bookings} booking rows for {succeeded} successful bookings");
        if (audit.Any(a => a.PeriodId == PeriodId)) failed.Add("LedgerAudit disagrees on the pool's period");
        return failed;
    }
}
