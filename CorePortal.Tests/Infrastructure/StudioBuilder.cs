using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Features.Catalog;
using CorePortal.Features.Clients;
using CorePortal.Features;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Features.Locations;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sales;
using CorePortal.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// The one way tests make data: a small studio written through the app's own services (new client, catalog item,
/// sale, share, session, booking, Update Credits), so a fixture can only hold what the rules allow. Past-dated data
/// comes from moving the test clock, as the services date everything by it. Locations alone, which no service makes,
/// are written directly, through the write door.
/// </summary>
public sealed class StudioBuilder : IDisposable
{
    private readonly ServiceProvider? _ownServices;
    private readonly IServiceScope _scope;
    private readonly TestDatabase? _ownDatabase;
    private readonly Dictionary<string, int> _ids = [];
    private int _bookables;
    private int? _livePack;

    /// <summary>A studio on its own new database file, its clock at 10:00 UTC on the given day (2 March 2026 unless told).</summary>
    public StudioBuilder(FixedClock? clock = null) : this(new TestDatabase(), clock ?? FixedClock.At(2026, 3, 2)) => _ownDatabase = (TestDatabase)Db;

    /// <summary>A studio written into the given database (the caller disposes it), dated by the given clock.</summary>
    public StudioBuilder(TestDatabase database, FixedClock clock)
    {
        // The app's own registrations, over this database and clock: a service that gains a dependency gets it here too.
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IDbContextFactory<CoreDbContext>>(database)
            .AddSingleton<TimeProvider>(clock);
        services.AddPortalFeatures();
        _ownServices = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        _scope = _ownServices.CreateScope();
    }

    /// <summary>A studio written into a running app (its demo data already there) through the app's own registrations and clock.</summary>
    public StudioBuilder(IServiceProvider app) => _scope = app.CreateScope();

    private T Get<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>The app's services this studio works through (for helpers such as TonightAt).</summary>
    public IServiceProvider Services => _scope.ServiceProvider;

    public IDbContextFactory<CoreDbContext> Db => Get<IDbContextFactory<CoreDbContext>>();
    public FixedClock Clock => Get<TimeProvider>() as FixedClock ?? throw new InvalidOperationException("This studio runs on the app's own clock.");
    public DateOnly Today => DateOnly.FromDateTime(Get<TimeProvider>().GetLocalNow().DateTime);
    public BalanceFeed Feed => Get<BalanceFeed>();
    public PortalMetrics Metrics => Get<PortalMetrics>();
    public System.Diagnostics.Metrics.IMeterFactory Meters => Get<System.Diagnostics.Metrics.IMeterFactory>();
    public OutboxSignal Signal => Get<OutboxSignal>();
    public BookingService Bookings => Get<BookingService>();
    public BookingPolicyService Policies => Get<BookingPolicyService>();
    public WaitlistService Waitlist => Get<WaitlistService>();
    public WaitlistPromoter Promoter => Get<WaitlistPromoter>();
    public WaitlistJob WaitlistJob => Get<WaitlistJob>();
    public VisitHistoryService Visits => Get<VisitHistoryService>();
    public ScheduleService Schedule => Get<ScheduleService>();
    public SaleService Sales => Get<SaleService>();
    public SharingService Sharing => Get<SharingService>();
    public SharingTermsService Terms => Get<SharingTermsService>();
    public SharingQueries Queries => Get<SharingQueries>();
    public ShareLimitsService ShareLimits => Get<ShareLimitsService>();
    public CreditAdjustmentService Adjustments => Get<CreditAdjustmentService>();
    public CorePortal.Features.Memberships.CancellationService Cancellations => Get<CorePortal.Features.Memberships.CancellationService>();
    public CatalogService Catalog => Get<CatalogService>();
    public LocationService Locations => Get<LocationService>();
    public CorePortal.Features.Members.MemberQueries MemberQueries => Get<CorePortal.Features.Members.MemberQueries>();
    public ClientEditService ClientEdit => Get<ClientEditService>();
    public CreditHistoryService History => Get<CreditHistoryService>();
    public CorePortal.Features.Memberships.FreezeService Freezes => Get<CorePortal.Features.Memberships.FreezeService>();
    public CorePortal.Features.Memberships.BulkFreezeService BulkFreezes => Get<CorePortal.Features.Memberships.BulkFreezeService>();
    public CorePortal.Features.Memberships.MembershipJob MembershipJob => Get<CorePortal.Features.Memberships.MembershipJob>();

    /// <summary>One pass of the membership job (renew, roll over, expire) for the clock's today; how many purchases changed.</summary>
    public Task<int> MembershipPassAsync() => MembershipJob.RunOnceAsync(Today);
    public CorePortal.Features.Reports.ReportCsv ReportCsv => Get<CorePortal.Features.Reports.ReportCsv>();
    public CorePortal.Features.Reports.ReportsService Reports => Get<CorePortal.Features.Reports.ReportsService>();
    public CorePortal.Features.Memberships.FreezeRequestService FreezeRequests => Get<CorePortal.Features.Memberships.FreezeRequestService>();

    /// <summary>The location new clients, items and sessions belong to: the last one added.</summary>
    public Location Location { get; private set; } = null!;

    /// <summary>The id of a client (by full name) or a catalog item (by name) this builder made.</summary>
    public int this[string name] => _ids[name];

    /// <summary>Adds a location. No service makes locations, so this is the one direct write, through the write door.</summary>
    public async Task<StudioBuilder> WithLocationAsync(string name = "Downtown Studio", string timeZoneId = "")
    {
        await using var db = await Db.CreateDbContextAsync();
        await using var tx = await db.BeginWriteAsync();
        Location = new Location { Name = name, TimeZoneId = timeZoneId };
        db.Locations.Add(Location);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return this;
    }

    /// <summary>
    /// Puts a location in an IANA time zone ("America/New_York") as a manager does on the Locations page; its sessions'
    /// starts are then wall-clock times there. The builder's current Location follows when it is the one changed.
    /// </summary>
    public async Task<StudioBuilder> WithTimeZoneAsync(int locationId, string timeZoneId, int? waitlistCutoffHours = null)
    {
        Check(await Locations.SaveAsync(TestUsers.Manager, locationId,
            new LocationInput { TimeZoneId = timeZoneId, WaitlistCutoffHours = waitlistCutoffHours ?? (await LocationAsync(locationId)).WaitlistCutoffHours }));
        if (Location?.Id == locationId) Location = await LocationAsync(locationId);
        return this;
    }

    /// <summary>Puts the current location in an IANA time zone (see the overload).</summary>
    public Task<StudioBuilder> WithTimeZoneAsync(string timeZoneId) => WithTimeZoneAsync(Location.Id, timeZoneId);

    private async Task<Location> LocationAsync(int locationId)
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.Locations.AsNoTracking().SingleAsync(l => l.Id == locationId);
    }

    /// <summary>Uses the app's first location (its demo studio) for what is made next.</summary>
    public async Task<StudioBuilder> AtFirstLocationAsync()
    {
        await using var db = await Db.CreateDbContextAsync();
        Location = await db.Locations.AsNoTracking().OrderBy(l => l.Id).FirstAsync();
        return this;
    }

    /// <summary>A new client as the desk adds one; an empty barcode gets the studio's generated one.</summary>
    public async Task<Client> ClientAsync(string first, string last, string? phone = null, string? barcode = null, string? email = null)
    {
        var saved = Check(await ClientEdit.CreateAsync(TestUsers.Staff, new ClientInput
        {
            FirstName = first, LastName = last, Email = email ?? $"{first}.{last}@example.com".ToLowerInvariant(), Phone = phone ?? "555-0100",
            Barcode = barcode, HomeLocationId = Location.Id,
        }));
        await using var db = await Db.CreateDbContextAsync();
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == saved.Id);
        _ids[client.FullName] = client.Id;
        return client;
    }

    /// <summary>Many clients with the same first name and numbered last names ("Mara Reed0001", …).</summary>
    public async Task ClientsNamedAsync(string first, string lastPrefix, int count)
    {
        for (var i = 1; i <= count; i++)
            Check(await ClientEdit.CreateAsync(TestUsers.Staff, new ClientInput
            {
                FirstName = first, LastName = $"{lastPrefix}{i:D4}", Email = $"{first}.{lastPrefix}{i:D4}@example.com".ToLowerInvariant(),
                Phone = "555-0100", Barcode = $"{first}-{lastPrefix}{i:D4}", HomeLocationId = Location.Id,
            }));
    }

    /// <summary>A package in Retail Configurations, as a manager saves it; a sharing limit turns sharing on. Null credits: unlimited.</summary>
    public Task<int> PackageAsync(string name, int? credits, int validityDays = 90, int? sharingLimit = null, decimal price = 100m) =>
        ItemAsync(new CatalogItemInput { Kind = CatalogKind.Package, Name = name, ValidityDays = validityDays }, credits, sharingLimit, price);

    /// <summary>A fixed-term membership in Retail Configurations: credits per month (or week), for the given number of periods.</summary>
    public Task<int> MembershipAsync(string name, int? credits, PeriodUnit unit = PeriodUnit.Month, int periods = 3, int? sharingLimit = null, decimal price = 100m) =>
        ItemAsync(new CatalogItemInput { Kind = CatalogKind.Membership, Name = name, PeriodUnit = unit, PeriodCount = periods, Renewal = RenewalKind.FixedTerm },
            credits, sharingLimit, price);

    /// <summary>
    /// An open-ended membership (renews until cancelled) in Retail Configurations, with its rollover rule: none unless told,
    /// all (no cap), or up to a cap; rolled credits expire after the given number of periods.
    /// </summary>
    public Task<int> OpenEndedMembershipAsync(string name, int? credits, PeriodUnit unit = PeriodUnit.Month, RolloverRule rollover = RolloverRule.None,
        int? rolloverCap = null, int rolloverExpiresAfter = 1) =>
        ItemAsync(new CatalogItemInput
        {
            Kind = CatalogKind.Membership, Name = name, PeriodUnit = unit, Renewal = RenewalKind.OpenEnded, Rollover = rollover, RolloverCap = rolloverCap,
            RolloverExpiresAfterPeriods = rolloverExpiresAfter,
        }, credits, null, 100m);

    private async Task<int> ItemAsync(CatalogItemInput input, int? credits, int? sharingLimit, decimal price)
    {
        input.Price = price;
        input.LocationId = Location.Id;
        input.Unlimited = credits is null;
        input.CreditsPerPeriod = credits;
        input.AllowSharing = sharingLimit is not null;
        input.SharingLimit = sharingLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var id = Check(await Catalog.SaveAsync(TestUsers.Manager, input));
        _ids[input.Name] = id;
        return id;
    }

    /// <summary>
    /// The item's freeze rules (freezes allowed, minimum and maximum days, most days per rolling 12 months, default mode). Retail
    /// Configurations' form for them is another part of the lifecycle, so until it is there they are written here, through the write door.
    /// </summary>
    public async Task FreezeRulesAsync(int itemId, bool allow = true, int? minDays = null, int? maxDays = null, int? maxDaysPerYear = null,
        FreezeMode mode = FreezeMode.Extend)
    {
        await using var db = await Db.CreateDbContextAsync();
        await using var tx = await db.BeginWriteAsync();
        var item = await db.CatalogItems.SingleAsync(i => i.Id == itemId);
        (item.AllowFreeze, item.FreezeMinDays, item.FreezeMaxDays, item.FreezeMaxDaysPerYear, item.DefaultFreezeMode) = (allow, minDays, maxDays, maxDaysPerYear, mode);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    /// <summary>The studio's default booking policy, saved as a manager saves it.</summary>
    public async Task StudioPolicyAsync(int hours, PolicyCost late = PolicyCost.KeepCredit, PolicyCost noShow = PolicyCost.KeepCredit, int grace = 0, int windowDays = 30)
    {
        var input = Check(await Policies.GetStudioDefaultAsync(TestUsers.Manager));
        (input.LateCancelHours, input.LateCancelCost, input.NoShowCost, input.GraceCount, input.GraceWindowDays) = (hours, late, noShow, grace, windowDays);
        Check(await Policies.SaveStudioDefaultAsync(TestUsers.Manager, input));
    }

    /// <summary>The item's own booking policy, saved through Retail Configurations' form.</summary>
    public async Task ItemPolicyAsync(int itemId, int hours, PolicyCost late = PolicyCost.KeepCredit, PolicyCost noShow = PolicyCost.KeepCredit, int grace = 0, int windowDays = 30)
    {
        var input = Check(await Catalog.GetForEditAsync(TestUsers.Manager, itemId));
        input.HasOwnBookingPolicy = true;
        (input.LateCancelHours, input.LateCancelCost, input.NoShowCost, input.GraceCount, input.GraceWindowDays) = (hours, late, noShow, grace, windowDays);
        Check(await Catalog.SaveAsync(TestUsers.Manager, input));
    }

    /// <summary>
    /// Sells the item at the desk, shared with the given clients (pending until they answer). A sale starts the day it is
    /// made, so a sale on a past day moves the clock back to that day for the sale, and forward again.
    /// </summary>
    public async Task<Purchase> SellAsync(int itemId, Client owner, DateOnly? on = null, params Client[] sharedWith)
    {
        var receipt = await OnDayAsync(on, async () => Check(await Sales.CheckoutAsync(TestUsers.Staff, new SaleRequest(itemId, owner.Id, [.. sharedWith.Select(c => c.Id)]))));
        return await PurchaseAsync(receipt.PurchaseId);
    }

    /// <summary>Sells the item today to the client named, shared with the clients named; the purchase's id.</summary>
    public async Task<int> SellAsync(int itemId, string owner, params string[] sharedWith) =>
        Check(await Sales.CheckoutAsync(TestUsers.Staff, new SaleRequest(itemId, this[owner], [.. sharedWith.Select(n => this[n])]))).PurchaseId;

    /// <summary>A new item of its own, sold to the client: starting ten days ago unless told, so sessions of the coming days fall in it.</summary>
    public async Task<Purchase> SellAsync(Client owner, string name, int? credits, int validityDays = 90, DateOnly? startsOn = null,
        CatalogKind kind = CatalogKind.Package, int periodCount = 1, bool sharing = false)
    {
        var item = kind == CatalogKind.Package
            ? await PackageAsync(name, credits, validityDays, sharing ? 5 : null)
            : await MembershipAsync(name, credits, PeriodUnit.Month, periodCount, sharing ? 5 : null);
        return await SellAsync(item, owner, startsOn ?? Today.AddDays(-10));
    }

    /// <summary>The purchase with its periods, as they stand.</summary>
    public async Task<Purchase> PurchaseAsync(int purchaseId)
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.Purchases.AsNoTracking().Include(p => p.Periods.OrderBy(x => x.StartsOn)).SingleAsync(p => p.Id == purchaseId);
    }

    /// <summary>Invites the client to share the purchase, then answers or removes as the status says (staff on their behalf).</summary>
    public async Task ShareAsync(Purchase purchase, Client client, ShareStatus status = ShareStatus.Accepted)
    {
        Check(await Sharing.AddShareAsync(TestUsers.Staff, purchase.Id, client.Id));
        await AnswerAsync(purchase, client, status);
    }

    /// <summary>Takes the client's open invitation to the purchase to the status: accepted, declined or removed (staff on their behalf).</summary>
    public async Task AnswerAsync(Purchase purchase, Client client, ShareStatus status)
    {
        await using var db = await Db.CreateDbContextAsync();
        var shareId = await db.PurchaseShares.Where(s => s.PurchaseId == purchase.Id && s.ClientId == client.Id).MaxAsync(s => s.Id);
        if (status == ShareStatus.Accepted) Check(await Sharing.AcceptAsync(TestUsers.Staff, shareId));
        else if (status == ShareStatus.Declined) Check(await Sharing.DeclineAsync(TestUsers.Staff, shareId));
        else if (status == ShareStatus.Removed) Check(await Sharing.RemoveAsync(TestUsers.Staff, shareId));
    }

    /// <summary>A session on the schedule, the given number of days from today at 07:00 unless told.</summary>
    public async Task<Session> SessionAsync(string name, int dayOffset = 1, int capacity = 20, string trainer = "Jordan Lee", TimeOnly? at = null,
        int waitlistSize = 0) =>
        await SessionOnAsync(name, Today.AddDays(dayOffset), at ?? new TimeOnly(7, 0), capacity, trainer, waitlistSize);

    private async Task<Session> SessionOnAsync(string name, DateOnly day, TimeOnly at, int capacity = 20, string trainer = "Jordan Lee", int waitlistSize = 0)
    {
        var id = Check(await Schedule.CreateSessionAsync(TestUsers.Staff, new SessionInput
        {
            Name = name, LocationId = Location.Id, Trainer = trainer, Date = day.ToDateTime(TimeOnly.MinValue), StartTime = at.ToTimeSpan(),
            DurationMinutes = 45, Capacity = capacity, WaitlistSize = waitlistSize,
        }));
        await using var db = await Db.CreateDbContextAsync();
        return await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    /// <summary>Books the client into the session from the purchase, at the desk.</summary>
    public async Task<BookingReceipt> BookAsync(Session session, Client client, Purchase purchase) =>
        Check(await Bookings.BookAsync(TestUsers.Staff, session.Id, client.Id, purchase.Id, null));

    /// <summary>Puts the client on the session's waitlist at the desk, reserving the purchase given or their earliest-expiring one.</summary>
    public async Task<WaitlistRow> JoinWaitlistAsync(Session session, Client client, Purchase? purchase = null) =>
        Check(await Waitlist.JoinAsync(TestUsers.Staff, session.Id, new WaitlistJoin(client.Id, purchase?.Id)));

    /// <summary>A new client with a 10-class pack of their own, sold today, and a class tomorrow to book: what live tests book.</summary>
    public async Task<Bookable> BookableAsync()
    {
        var n = Interlocked.Increment(ref _bookables);
        var client = await ClientAsync("Live", $"Tester{n:D3}");
        _livePack ??= await PackageAsync($"Live test pack {Guid.NewGuid():N}"[..24], 10);
        var purchase = await SellAsync(_livePack.Value, client);
        return new Bookable(client.Id, purchase.Id, purchase.LocationId, (await SessionAsync($"Live test {n}", at: new TimeOnly(9, 0))).Id);
    }

    /// <summary>The same client and pool, with another class tomorrow to book.</summary>
    public async Task<Bookable> NextClassAsync(Bookable bookable) =>
        bookable with { SessionId = (await SessionAsync($"Live test {Interlocked.Increment(ref _bookables)}", at: new TimeOnly(10, 0))).Id };

    public async Task<BookingReceipt> BookAsync(Bookable b) => Check(await Bookings.BookAsync(TestUsers.Staff, b.SessionId, b.ClientId, b.PurchaseId, null));

    /// <summary>
    /// Uses credits of a period the way they are used: the owner is booked into that many classes on a day the period
    /// covers (today when it covers today, else its first day).
    /// </summary>
    public async Task<IReadOnlyList<int>> UseAsync(CreditPeriod period, int count)
    {
        await using var db = await Db.CreateDbContextAsync();
        var owner = await db.Purchases.Where(p => p.Id == period.PurchaseId).Select(p => p.OwnerClient!).AsNoTracking().SingleAsync();
        var day = period.StartsOn <= Today && Today <= period.EndsOn ? Today : period.StartsOn;
        // A session that has started takes no bookings: each class starts after the clock's time of day, booked on its day
        // (the clock moved there and back for a day in the past).
        return await OnDayAsync(day < Today ? day : null, async () =>
        {
            var bookings = new List<int>();
            var after = TimeOnly.FromDateTime(Get<TimeProvider>().GetLocalNow().DateTime).AddMinutes(30);
            for (var i = 0; i < count; i++)
            {
                var session = await SessionOnAsync($"Class {i + 1}", day, after.AddMinutes(i));
                bookings.Add(Check(await Bookings.BookAsync(TestUsers.Staff, session.Id, owner.Id, period.PurchaseId, null)).BookingId);
            }
            return (IReadOnlyList<int>)bookings;
        });
    }

    /// <summary>Update Credits on one period, by the given person (staff unless told), against the version it has now.</summary>
    public async Task AdjustAsync(Purchase purchase, int periodIndex, CreditAction action, int amount, string? note = null, ClaimsPrincipal? by = null)
    {
        await using var db = await Db.CreateDbContextAsync();
        var periodId = purchase.Periods[periodIndex].Id;
        var version = await db.CreditPeriods.Where(p => p.Id == periodId).Select(p => p.Version).SingleAsync();
        Check(await Adjustments.SaveAsync(by ?? TestUsers.Staff, new CreditAdjustment(purchase.Id, [new PeriodVersion(periodId, version)], action, amount, Note: note)));
    }

    /// <summary>Runs the step with the clock on the given day (same time of day), then puts the clock back.</summary>
    public async Task<T> OnDayAsync<T>(DateOnly? day, Func<Task<T>> step)
    {
        if (day is not { } date || date == Today) return await step();
        var clock = Clock;
        var now = clock.Now;
        clock.Now = new DateTimeOffset(date.ToDateTime(TimeOnly.FromTimeSpan(now.TimeOfDay)), now.Offset);
        try { return await step(); }
        finally { clock.Now = now; }
    }

    /// <summary>Makes each in turn (a builder writes one thing at a time), in order.</summary>
    public static async Task<List<T>> InTurnAsync<TIn, T>(IEnumerable<TIn> inputs, Func<TIn, Task<T>> make)
    {
        var made = new List<T>();
        foreach (var input in inputs) made.Add(await make(input));
        return made;
    }

    private static T Check<T>(ServiceResult<T> result) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException($"The studio refused a fixture step: {result.Message}");

    private static void Check(ServiceResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException($"The studio refused a fixture step: {result.Message}");
    }

    public void Dispose()
    {
        _scope.Dispose();
        _ownServices?.Dispose();
        _ownDatabase?.Dispose();
    }
}

/// <summary>A client, a pool of theirs, its location and a class to book: what a live test books and listens to.</summary>
public sealed record Bookable(int ClientId, int PurchaseId, int LocationId, int SessionId);
