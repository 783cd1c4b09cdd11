using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sales;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CorePortal.Tests.Sharing;

/// <summary>A small studio in a real SQLite file: one location, a shareable family pack, a plain pack, and a few clients.</summary>
public sealed class SharingStudio : IDisposable
{
    public TestDatabase Db { get; } = new();
    public FixedClock Clock { get; } = FixedClock.At(2026, 3, 2);
    public BalanceFeed Feed { get; } = new(NullLogger<BalanceFeed>.Instance);
    public OutboxSignal Signal { get; } = new();
    public int DowntownId { get; }
    public int FamilyPackId { get; }
    public int TenPackId { get; }
    public Dictionary<string, int> Clients { get; } = [];

    public SharingStudio()
    {
        using var db = Db.CreateDbContext();
        using var tx = TestDatabase.BeginWrite(db);
        var downtown = new Location { Name = "Downtown Studio" };
        var family = new CatalogItem { Kind = CatalogKind.Package, Name = "20-Class Family Pack", PriceCents = 32000, Location = downtown, CreditsPerPeriod = 20, ValidityDays = 180, AllowSharing = true, SharingLimit = 3 };
        var ten = new CatalogItem { Kind = CatalogKind.Package, Name = "10-Class Pack", PriceCents = 18000, Location = downtown, CreditsPerPeriod = 10, ValidityDays = 90 };
        db.CatalogItems.AddRange(family, ten);
        var people = new[] { "Maya Chen", "Leo Chen", "Ivy Chen", "Noah Park", "Zoe Park", "Eli Stone" };
        var clients = people.Select((name, i) =>
        {
            var parts = name.Split(' ');
            var c = new Client
            {
                FirstName = parts[0], LastName = parts[1], Email = $"{parts[0].ToLowerInvariant()}.{parts[1].ToLowerInvariant()}@example.com",
                Phone = $"555-010-{i:0000}", Barcode = $"CP2000{i:00}", HomeLocation = downtown,
            };
            ClientSearchKeys.Apply(c);
            return c;
        }).ToList();
        db.Clients.AddRange(clients);
        db.SaveChanges();
        tx.Commit();
        DowntownId = downtown.Id;
        FamilyPackId = family.Id;
        TenPackId = ten.Id;
        foreach (var c in clients) Clients[c.FullName] = c.Id;
    }

    public int this[string name] => Clients[name];

    public SaleService Sales() => new(Db, Feed, Signal, Clock);
    public SharingService Sharing() => new(Db, Feed, Signal, Clock);
    public SharingTermsService Terms() => new(Db, Clock);
    public SharingQueries Queries() => new(Db, Clock);

    public async Task<int> SellAsync(int itemId, string owner, params string[] sharedWith)
    {
        var result = await Sales().CheckoutAsync(Users.Staff, new SaleRequest(itemId, this[owner], sharedWith.Select(n => this[n]).ToList()));
        Assert.True(result.Succeeded, result.Message);
        return result.Value!.PurchaseId;
    }

    public void Dispose()
    {
        Signal.Dispose();
        Db.Dispose();
    }
}

public static class Users
{
    public static ClaimsPrincipal Admin { get; } = As("Ada Admin", Roles.Admin);
    public static ClaimsPrincipal Manager { get; } = As("Mia Manager", Roles.Manager);
    public static ClaimsPrincipal Staff { get; } = As("Sam Staff", Roles.Staff);
    public static ClaimsPrincipal Trainer { get; } = As("Tia Trainer", Roles.Trainer);

    public static ClaimsPrincipal As(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));
}
