using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Features.Credits;

namespace CorePortal.Tests.Infrastructure;

/// <summary>Writes small, readable fixtures into a test database through the same primitives the app uses.</summary>
public sealed class StudioBuilder(TestDatabase database, TimeProvider clock)
{
    public Location Location { get; private set; } = null!;

    public static ClaimsPrincipal User(string role, string name = "Test User") =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim("display_name", name), new Claim(ClaimTypes.Role, role)], "test"));

    public async Task<StudioBuilder> WithLocationAsync(string name = "Downtown Studio")
    {
        await using var db = database.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        Location = new Location { Name = name };
        db.Locations.Add(Location);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return this;
    }

    public async Task<Client> ClientAsync(string first, string last, string? phone = null, string? barcode = null)
    {
        await using var db = database.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        var client = NewClient(first, last, phone, barcode);
        db.Clients.Add(client);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return client;
    }

    /// <summary>Many clients with the same first name and numbered last names ("Mara Reed0001", …), in one save.</summary>
    public async Task ClientsNamedAsync(string first, string lastPrefix, int count)
    {
        await using var db = database.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        db.Clients.AddRange(Enumerable.Range(1, count).Select(i => NewClient(first, $"{lastPrefix}{i:D4}", null, null)));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    private Client NewClient(string first, string last, string? phone, string? barcode)
    {
        var client = new Client
        {
            FirstName = first, LastName = last, Email = $"{first}.{last}@example.com".ToLowerInvariant(),
            Phone = phone ?? "555-0100", Barcode = barcode ?? $"B{Guid.NewGuid():N}"[..12], HomeLocationId = Location.Id,
        };
        ClientSearchKeys.Apply(client);
        return client;
    }

    public CatalogItem Package(string name, int? credits, int validityDays = 90) => new()
    {
        Kind = CatalogKind.Package, Name = name, PriceCents = 10000, LocationId = Location.Id, CreditsPerPeriod = credits, ValidityDays = validityDays,
    };

    public CatalogItem Membership(string name, int? credits, PeriodUnit unit = PeriodUnit.Month, int periods = 3) => new()
    {
        Kind = CatalogKind.Membership, Name = name, PriceCents = 10000, LocationId = Location.Id, CreditsPerPeriod = credits, PeriodUnit = unit, PeriodCount = periods,
    };

    /// <summary>Sells the item to the client starting on the given day, with its grant rows.</summary>
    public async Task<Purchase> SellAsync(CatalogItem item, Client owner, DateOnly startsOn)
    {
        await using var db = database.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        if (item.Id == 0) { db.CatalogItems.Add(item); await db.SaveChangesAsync(); }
        var purchase = PurchaseTerms.Create(item, owner.Id, startsOn, clock.GetUtcNow().UtcDateTime);
        db.Purchases.Add(purchase);
        await db.SaveChangesAsync();
        db.Ledger.AddRange(PurchaseTerms.Grants(purchase, "Test", clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return purchase;
    }

    /// <summary>Marks credits used on a period the way a booking does: the cached count and a use row together.</summary>
    public async Task UseAsync(CreditPeriod period, int count)
    {
        await using var db = database.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        var p = await db.CreditPeriods.FindAsync(period.Id) ?? throw new InvalidOperationException("No period");
        for (var i = 0; i < count; i++)
        {
            p.UsedCredits++;
            db.Ledger.Add(new CreditLedgerEntry
            {
                PurchaseId = p.PurchaseId, PeriodId = p.Id, Kind = LedgerKind.BookingUse, Amount = 1, MaxAfter = p.MaxCredits,
                UsedAfter = p.UsedCredits, Actor = "Test", AtUtc = clock.GetUtcNow().UtcDateTime,
            });
        }
        p.Version = Guid.NewGuid();
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }
}
