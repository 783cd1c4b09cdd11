using Bogus;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>
/// The guarded debit restates the pool rule in SQL (PoolRule.UsableSql); the readers use the query expression
/// (PoolRule.Usable). Over the same randomized studio, both must pick the same periods for every client and day, on each
/// engine (the PostgreSQL pass runs this class again there).
/// </summary>
public sealed class PoolRuleEquivalenceTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 3, 2);
    private static readonly string UsableBySql = $"""SELECT "Id" AS "Value" FROM "CreditPeriods" WHERE {PoolRule.UsableSql}""";
    private readonly TestDatabase _db = new();

    [Fact]
    public async Task The_debit_sql_and_the_query_expression_agree_for_every_client_and_period()
    {
        var (clientIds, periodCount) = await SeedAsync(seed: 15);
        await using var db = _db.CreateDbContext();
        var pairs = 0;
        var usable = 0;
        var limited = 0;
        foreach (var day in new[] { Today, Today.AddDays(-45), Today.AddDays(45) })
        {
            foreach (var clientId in clientIds)
            {
                var bySql = await db.Database.SqlQuery<int>(PoolRule.Sql(UsableBySql, clientId, day)).ToListAsync(TestContext.Current.CancellationToken);
                var byExpression = await db.CreditPeriods.Where(PoolRule.Usable(db, clientId, day)).Select(p => p.Id)
                    .ToListAsync(TestContext.Current.CancellationToken);
                Assert.True(bySql.Order().SequenceEqual(byExpression.Order()),
                    $"Client {clientId} on {day}: SQL [{string.Join(",", bySql.Order())}], expression [{string.Join(",", byExpression.Order())}]");
                pairs += periodCount;
                usable += bySql.Count;
                limited += await db.Purchases.Where(PoolRule.HeldBy(db, clientId)).Where(Not(PoolRule.MayBook(db, clientId, day)))
                    .CountAsync(TestContext.Current.CancellationToken);
            }
        }
        // Not vacuous: some pairs are usable and most are not (other owners, refused shares, wrong days, used up, cancelled).
        Assert.InRange(usable, 10, pairs / 2);
        // And the share limits bite: some authorized clients are paused or at a cap on some days.
        Assert.True(limited >= 5, $"Only {limited} purchases were held but not bookable.");
    }

    private static System.Linq.Expressions.Expression<Func<Purchase, bool>> Not(System.Linq.Expressions.Expression<Func<Purchase, bool>> rule) =>
        System.Linq.Expressions.Expression.Lambda<Func<Purchase, bool>>(System.Linq.Expressions.Expression.Not(rule.Body), rule.Parameters);

    // Clients; purchases of every status, owned by anyone; periods past, current and future, used up or not, some unlimited;
    // shares in every state, with caps and pauses; bookings that hold a credit or not, on sessions late and early in their day,
    // some spent from a bucket of rolled credits (which a cap per period still counts by the session's day). Written straight into the tables, so the data covers states no workflow would leave together.
    private async Task<(IReadOnlyList<int> ClientIds, int PeriodCount)> SeedAsync(int seed)
    {
        var faker = new Faker { Random = new Randomizer(seed) };
        await using var db = _db.CreateDbContext();
        await using var tx = await db.BeginWriteAsync(TestContext.Current.CancellationToken);
        var location = new Location { Name = "Downtown Studio" };
        db.Locations.Add(location);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var clients = Enumerable.Range(0, 12).Select(i => new Client
        {
            FirstName = faker.Name.FirstName(), LastName = faker.Name.LastName(), Email = $"client{i}@example.com", Phone = faker.Phone.PhoneNumber("555-####"),
            Barcode = $"B{i:D4}", HomeLocationId = location.Id,
        }).ToList();
        var item = new CatalogItem { Name = "Pack", LocationId = location.Id, CreditsPerPeriod = 5, ValidityDays = 90 };
        db.Clients.AddRange(clients);
        db.CatalogItems.Add(item);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        var purchases = Enumerable.Range(0, 30).Select(_ => new Purchase
        {
            OwnerClientId = faker.PickRandom(clients).Id, CatalogItemId = item.Id, LocationId = location.Id, Name = faker.Commerce.ProductName(),
            Status = faker.Random.Bool(0.8f) ? PurchaseStatus.Active : PurchaseStatus.Cancelled,
            StartsOn = Today.AddDays(-60), EndsOn = Today.AddDays(60), SoldAtUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        }).ToList();
        db.Purchases.AddRange(purchases);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        var sessions = Enumerable.Range(0, 40).Select(i => new Session
        {
            Name = $"Class {i}", Trainer = "Ana", LocationId = location.Id, DurationMinutes = 60, Capacity = 99,
            StartsAt = Today.AddDays(faker.Random.Int(-60, 59)).ToDateTime(faker.PickRandom(new TimeOnly(0, 15), new TimeOnly(10, 0), new TimeOnly(23, 45))),
        }).ToList();
        db.Sessions.AddRange(sessions);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        foreach (var purchase in purchases)
        {
            var sequence = 0;
            foreach (var start in new[] { -60, -20, 20 }) // past, current (covers today), future
            {
                int? max = faker.Random.Bool(0.2f) ? null : faker.Random.Int(1, 4);
                var used = max is { } m ? faker.PickRandom(0, m, faker.Random.Int(0, m)) : faker.Random.Int(0, 9); // used up often
                db.CreditPeriods.Add(new CreditPeriod
                {
                    PurchaseId = purchase.Id, Sequence = ++sequence, StartsOn = Today.AddDays(start), EndsOn = Today.AddDays(start + 39), MaxCredits = max, UsedCredits = used,
                });
            }
            // Freezes: some cover the days asked about, some are open-ended, some were undone (and hold nothing).
            if (faker.Random.Bool(0.4f))
            {
                var from = Today.AddDays(faker.Random.Int(-30, 30));
                db.Freezes.Add(new Freeze
                {
                    PurchaseId = purchase.Id, StartsOn = from, EndsOn = faker.Random.Bool(0.3f) ? null : from.AddDays(faker.Random.Int(0, 20)),
                    Status = faker.Random.Bool(0.25f) ? FreezeStatus.Undone : FreezeStatus.Active, Actor = "Test",
                    CreatedAtUtc = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc),
                });
            }
            var bookers = new List<int> { purchase.OwnerClientId };
            foreach (var client in faker.PickRandom(clients, faker.Random.Int(0, 4)).Where(c => c.Id != purchase.OwnerClientId))
            {
                db.PurchaseShares.Add(new PurchaseShare
                {
                    PurchaseId = purchase.Id, ClientId = client.Id, Status = faker.PickRandom<ShareStatus>(),
                    InvitedAtUtc = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc),
                    CapPerPeriod = faker.Random.Bool(0.5f) ? faker.Random.Int(1, 3) : null, CapTotal = faker.Random.Bool(0.4f) ? faker.Random.Int(1, 5) : null,
                    Paused = faker.Random.Bool(0.2f),
                });
                bookers.Add(client.Id);
            }
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            var periods = await db.CreditPeriods.Where(p => p.PurchaseId == purchase.Id).ToListAsync(TestContext.Current.CancellationToken);
            var bucket = new CreditPeriod
            {
                PurchaseId = purchase.Id, Sequence = 2, RolledFromPeriodId = periods[0].Id, StartsOn = Today.AddDays(-20), EndsOn = Today.AddDays(19), MaxCredits = 2,
            };
            if (faker.Random.Bool(0.3f)) { db.CreditPeriods.Add(bucket); await db.SaveChangesAsync(TestContext.Current.CancellationToken); periods.Add(bucket); }
            foreach (var clientId in bookers)
                foreach (var session in faker.PickRandom(sessions, faker.Random.Int(0, 5)))
                    db.Bookings.Add(new Booking
                    {
                        SessionId = session.Id, ClientId = clientId, PurchaseId = purchase.Id, PeriodId = faker.PickRandom(periods).Id,
                        Status = BookingStatus.Booked, BookedAtUtc = new DateTime(2026, 1, 3, 0, 0, 0, DateTimeKind.Utc), UsesCredit = faker.Random.Bool(0.8f),
                    });
        }
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        await tx.CommitAsync(TestContext.Current.CancellationToken);
        return (clients.Select(c => c.Id).ToList(), purchases.Count * 3);
    }

    public void Dispose() => _db.Dispose();
}
