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
            }
        }
        // Not vacuous: some pairs are usable and most are not (other owners, refused shares, wrong days, used up, cancelled).
        Assert.InRange(usable, 10, pairs / 2);
    }

    // Clients; purchases of every status, owned by anyone; periods past, current and future, used up or not, some unlimited;
    // shares in every state. Written straight into the tables, so the data covers states no workflow would leave together.
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
            foreach (var client in faker.PickRandom(clients, faker.Random.Int(0, 4)).Where(c => c.Id != purchase.OwnerClientId))
                db.PurchaseShares.Add(new PurchaseShare
                {
                    PurchaseId = purchase.Id, ClientId = client.Id, Status = faker.PickRandom<ShareStatus>(),
                    InvitedAtUtc = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc),
                });
        }
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        await tx.CommitAsync(TestContext.Current.CancellationToken);
        return (clients.Select(c => c.Id).ToList(), purchases.Count * 3);
    }

    public void Dispose() => _db.Dispose();
}
