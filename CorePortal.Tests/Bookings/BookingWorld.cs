using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Clients;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CorePortal.Tests.Bookings;

/// <summary>A small studio on a real SQLite file: clients, purchases sold the way a sale writes them, sessions, and the booking service.</summary>
public sealed class BookingWorld : IDisposable
{
    public static readonly DateOnly Today = new(2026, 3, 2);

    public BookingWorld()
    {
        using var db = Db.CreateDbContext();
        using var tx = TestDatabase.BeginWrite(db);
        Location = new Location { Name = "Downtown Studio" };
        db.Locations.Add(Location);
        db.SaveChanges();
        tx.Commit();
        Bookings = new BookingService(Db, Feed, Clock);
        Visits = new VisitHistoryService(Db);
        Schedule = new ScheduleService(Db);
    }

    public TestDatabase Db { get; } = new();
    public FixedClock Clock { get; } = FixedClock.At(2026, 3, 2);
    public BalanceFeed Feed { get; } = new(NullLogger<BalanceFeed>.Instance);
    public Location Location { get; }
    public BookingService Bookings { get; }
    public VisitHistoryService Visits { get; }
    public ScheduleService Schedule { get; }

    public static ClaimsPrincipal Staff { get; } = User("Sam Staff", Roles.Staff);
    public static ClaimsPrincipal Trainer { get; } = User("Taylor Trainer", Roles.Trainer);

    public static ClaimsPrincipal Member(Client client) =>
        User(client.FullName, Roles.Member, new Claim(PortalClaimsFactory.ClientIdClaim, client.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static ClaimsPrincipal User(string name, string role, params Claim[] extra) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim("display_name", name), new Claim(ClaimTypes.Role, role), .. extra], "test"));

    public Client AddClient(string first, string last, string phone = "555-0100")
    {
        using var db = Db.CreateDbContext();
        using var tx = TestDatabase.BeginWrite(db);
        var client = new Client
        {
            FirstName = first, LastName = last, Email = $"{first}.{last}.{Guid.NewGuid():N}@example.com".ToLowerInvariant(),
            Phone = phone, Barcode = $"T{Guid.NewGuid():N}"[..12].ToUpperInvariant(), HomeLocationId = Location.Id,
        };
        ClientSearchKeys.Apply(client);
        db.Clients.Add(client);
        db.SaveChanges();
        tx.Commit();
        return client;
    }

    /// <summary>Sells a package (or membership) the way a sale does: the purchase, its periods and their grant rows, in one transaction.</summary>
    public Purchase Sell(Client owner, string name, int? credits, int validityDays = 90, DateOnly? startsOn = null,
        CatalogKind kind = CatalogKind.Package, int periodCount = 1, bool sharing = false)
    {
        using var db = Db.CreateDbContext();
        using var tx = TestDatabase.BeginWrite(db);
        var item = new CatalogItem
        {
            Kind = kind, Name = name, PriceCents = 10_000, LocationId = Location.Id, CreditsPerPeriod = credits, ValidityDays = validityDays,
            PeriodUnit = PeriodUnit.Month, PeriodCount = periodCount, AllowSharing = sharing, SharingLimit = sharing ? 5 : null,
        };
        db.CatalogItems.Add(item);
        db.SaveChanges();
        var purchase = PurchaseTerms.Create(item, owner.Id, startsOn ?? Today.AddDays(-10), Clock.GetUtcNow().UtcDateTime);
        db.Purchases.Add(purchase);
        db.SaveChanges();
        db.Ledger.AddRange(PurchaseTerms.Grants(purchase, "Test sale", Clock.GetUtcNow().UtcDateTime));
        db.SaveChanges();
        tx.Commit();
        return purchase;
    }

    public void Share(Purchase purchase, Client buddy, ShareStatus status)
    {
        using var db = Db.CreateDbContext();
        using var tx = TestDatabase.BeginWrite(db);
        db.PurchaseShares.Add(new PurchaseShare { PurchaseId = purchase.Id, ClientId = buddy.Id, Status = status, InvitedAtUtc = Clock.GetUtcNow().UtcDateTime });
        db.SaveChanges();
        tx.Commit();
    }

    public Session AddSession(string name, int dayOffset = 1, int capacity = 20, string trainer = "Jordan Lee")
    {
        using var db = Db.CreateDbContext();
        using var tx = TestDatabase.BeginWrite(db);
        var session = new Session
        {
            Name = name, LocationId = Location.Id, Trainer = trainer, StartsAt = Today.AddDays(dayOffset).ToDateTime(new TimeOnly(7, 0)),
            DurationMinutes = 45, Capacity = capacity,
        };
        db.Sessions.Add(session);
        db.SaveChanges();
        tx.Commit();
        return session;
    }

    /// <summary>Starts every request at once: each waits on one gate, then all are released together.</summary>
    public static async Task<T[]> AllAtOnceAsync<T>(IEnumerable<Func<Task<T>>> requests)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = requests.Select(r => Task.Run(async () => { await gate.Task; return await r(); })).ToList();
        gate.SetResult();
        return await Task.WhenAll(running);
    }

    public void Dispose() => Db.Dispose();
}
