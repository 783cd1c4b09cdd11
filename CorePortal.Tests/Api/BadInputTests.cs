using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Api;

/// <summary>
/// Bad input over HTTP, one row a case: each answers 4xx with problem details, never 5xx, and no balance, row or count changes.
/// Paths and bodies name the demo data by placeholders ({purchase}, {version}, …) filled in when the case runs.
/// </summary>
[Collection(ApiApp.Collection)]
public sealed class BadInputTests(ApiApp app)
{
    private const string Staff = DemoUsers.Staff, Manager = DemoUsers.Manager, Member = "member";
    private const string Adjust = "/api/purchases/{purchase}/adjustments";
    private const string OnePeriod = """ "periods": [{ "periodId": {period}, "version": "{version}" }] """;
    private static readonly string Huge = new('x', 70 * 1024);

    public static TheoryData<string, string, string, string, string?, string, int, string?> Cases => new()
    {
        // name, who, method, path, body, content type, expected status, the field a 400 names (null: a binding refusal names none)
        { "sessions on 9999-12-31", Staff, "GET", "/api/sessions?day=9999-12-31&locationId={location}", null, "", 400, "day" },
        { "member sessions on 9999-12-31", Member, "GET", "/api/me/sessions?day=9999-12-31&locationId={location}", null, "", 400, "day" },
        { "sessions on 0001-01-01", Staff, "GET", "/api/sessions?day=0001-01-01&locationId={location}", null, "", 400, "day" },
        { "a day that is not a date", Staff, "GET", "/api/sessions?day=tomorrow&locationId={location}", null, "", 400, null },
        { "usage report ending 9999-12-31", Manager, "GET", "/exports/reports/usage.csv?from={today}&to=9999-12-31", null, "", 400, "to" },
        { "adjustments report from year 1", Manager, "GET", "/exports/reports/adjustments.csv?from=0001-01-01&to={today}", null, "", 400, "from" },
        { "liability on 9999-12-31", Manager, "GET", "/exports/reports/liability.csv?day=9999-12-31", null, "", 400, "day" },
        { "a session in year 1", Staff, "POST", "/api/sessions", """{ "name": "Flow", "locationId": {location}, "trainer": "Jo", "date": "0001-01-01T00:00:00", "startTime": "18:00:00", "durationMinutes": 45, "capacity": 10 }""", "application/json", 400, "Date" },
        { "a session with no places", Staff, "POST", "/api/sessions", """{ "name": "Flow", "locationId": {location}, "trainer": "Jo", "date": "{today}T00:00:00", "startTime": "18:00:00", "durationMinutes": 45, "capacity": -3 }""", "application/json", 400, "Capacity" },
        { "a validity ending 9999-12-31", Staff, "POST", Adjust, """{ "action": "AddCredits", "editValidity": true, "startsOn": "{startsOn}", "endsOn": "9999-12-31", """ + OnePeriod + "}", "application/json", 400, "EndsOn" },
        { "a negative amount", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": -5, """ + OnePeriod + "}", "application/json", 400, "Amount" },
        { "a zero amount", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": 0, """ + OnePeriod + "}", "application/json", 400, "Amount" },
        { "an amount over the maximum", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": 1000, """ + OnePeriod + "}", "application/json", 400, "Amount" },
        { "an amount past int", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": 2147483648, """ + OnePeriod + "}", "application/json", 400, null },
        { "an amount of 1e308", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": 1e308, """ + OnePeriod + "}", "application/json", 400, null },
        { "a fractional amount", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": 2.5, """ + OnePeriod + "}", "application/json", 400, null },
        { "a non-numeric amount", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": "ten", """ + OnePeriod + "}", "application/json", 400, null },
        { "an action out of range", Staff, "POST", Adjust, """{ "action": 99, "amount": 1, """ + OnePeriod + "}", "application/json", 400, "Action" },
        { "an action that does not exist", Staff, "POST", Adjust, """{ "action": "Steal", "amount": 1, """ + OnePeriod + "}", "application/json", 400, null },
        { "a stale version", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": 1, "periods": [{ "periodId": {period}, "version": "00000000-0000-0000-0000-000000000001" }] }""", "application/json", 409, null },
        { "an unknown purchase", Staff, "POST", "/api/purchases/999999/adjustments", """{ "action": "AddCredits", "amount": 1, "periods": [{ "periodId": {period}, "version": "{version}" }] }""", "application/json", 404, null },
        { "a note with a bidi override", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": 1, "note": "ok \u202Edetoor", """ + OnePeriod + "}", "application/json", 400, "Note" },
        { "a body over 64 KB", Staff, "POST", Adjust, """{ "action": "AddCredits", "amount": 1, "note": "{huge}", """ + OnePeriod + "}", "application/json", 413, null },
        { "malformed JSON", Staff, "POST", "/api/bookings", """{ "sessionId": """, "application/json", 400, null },
        { "the wrong content type", Staff, "POST", "/api/bookings", """{ "sessionId": {futureSession}, "clientId": {client}, "purchaseId": {purchase} }""", "text/plain", 415, null },
        { "an unknown session", Staff, "POST", "/api/bookings", """{ "sessionId": 999999, "clientId": {client}, "purchaseId": {purchase} }""", "application/json", 404, null },
        { "an unknown client", Staff, "POST", "/api/bookings", """{ "sessionId": {futureSession}, "clientId": 999999, "purchaseId": {purchase} }""", "application/json", 404, null },
        { "a session that has started", Staff, "POST", "/api/bookings", """{ "sessionId": {pastSession}, "clientId": {client}, "purchaseId": {purchase} }""", "application/json", 409, null },
        { "a member booking a session that has started", Member, "POST", "/api/me/bookings", """{ "sessionId": {pastSession}, "purchaseId": {purchase} }""", "application/json", 409, null },
        { "an unknown booking", Staff, "POST", "/api/bookings/999999/cancel", null, "", 404, null },
        { "a catalog kind of 99", Manager, "POST", "/api/catalog", """{ "kind": 99, "name": "Odd", "price": 10, "locationId": {location}, "creditsPerPeriod": 5, "validityDays": 30 }""", "application/json", 400, "Kind" },
        { "a catalog time frame of 99", Manager, "POST", "/api/catalog", """{ "kind": "Membership", "periodUnit": 99, "name": "Odd", "price": 10, "locationId": {location}, "creditsPerPeriod": 5, "periodCount": 3 }""", "application/json", 400, "PeriodUnit" },
        { "a catalog kind that does not exist", Manager, "POST", "/api/catalog", """{ "kind": "Bogus", "name": "Odd", "price": 10, "locationId": {location}, "creditsPerPeriod": 5, "validityDays": 30 }""", "application/json", 400, null },
        { "a price of 1e308", Manager, "POST", "/api/catalog", """{ "kind": "Package", "name": "Odd", "price": 1e308, "locationId": {location}, "creditsPerPeriod": 5, "validityDays": 30 }""", "application/json", 400, null },
        { "a negative price", Manager, "POST", "/api/catalog", """{ "kind": "Package", "name": "Odd", "price": -1, "locationId": {location}, "creditsPerPeriod": 5, "validityDays": 30 }""", "application/json", 400, "Price" },
        { "listing catalog kind 99", Manager, "GET", "/api/catalog?kind=99", null, "", 400, "kind" },
        { "an item's own late-cancel window of 200 hours", Manager, "POST", "/api/catalog", """{ "kind": "Package", "name": "Odd", "price": 10, "locationId": {location}, "creditsPerPeriod": 5, "validityDays": 30, "hasOwnBookingPolicy": true, "lateCancelHours": 200 }""", "application/json", 400, "LateCancelHours" },
        { "an item's own grace window of 0 days", Manager, "POST", "/api/catalog", """{ "kind": "Package", "name": "Odd", "price": 10, "locationId": {location}, "creditsPerPeriod": 5, "validityDays": 30, "hasOwnBookingPolicy": true, "lateCancelHours": 12, "graceWindowDays": 0 }""", "application/json", 400, "GraceWindowDays" },
        { "a studio late-cancel window of 169 hours", Manager, "PUT", "/api/settings/booking-policy", """{ "lateCancelHours": 169, "graceCount": 0, "graceWindowDays": 30 }""", "application/json", 400, "LateCancelHours" },
        { "a studio grace of 21", Manager, "PUT", "/api/settings/booking-policy", """{ "lateCancelHours": 12, "graceCount": 21, "graceWindowDays": 30 }""", "application/json", 400, "GraceCount" },
        { "a studio grace window of 366 days", Manager, "PUT", "/api/settings/booking-policy", """{ "lateCancelHours": 12, "graceCount": 2, "graceWindowDays": 366 }""", "application/json", 400, "GraceWindowDays" },
        { "a studio no-show cost of 7", Manager, "PUT", "/api/settings/booking-policy", """{ "lateCancelHours": 12, "noShowCost": 7, "graceCount": 2, "graceWindowDays": 30 }""", "application/json", 400, "NoShowCost" },
        { "a waiver without a note", Staff, "POST", "/api/bookings/999999/waive", """{ "note": "  " }""", "application/json", 400, "note" },
        { "a waiver of an unknown booking", Staff, "POST", "/api/bookings/999999/waive", """{ "note": "Family emergency" }""", "application/json", 404, null },
        { "credit history of kind 99", Staff, "GET", "/api/purchases/{purchase}/credit-history?kind=99", null, "", 400, "kind" },
        { "a client name with a right-to-left override", Staff, "POST", "/api/clients", """{ "firstName": "Maya\u202Ehc", "lastName": "Chen", "email": "rlo@example.com", "homeLocationId": {location} }""", "application/json", 400, "FirstName" },
        { "a client name with a zero-width space", Staff, "POST", "/api/clients", """{ "firstName": "Ma\u200Bya", "lastName": "Chen", "email": "zw@example.com", "homeLocationId": {location} }""", "application/json", 400, "FirstName" },
        { "a sale of an unknown item", Staff, "POST", "/api/sales", """{ "catalogItemId": 999999, "ownerClientId": {client}, "sharedClientIds": [] }""", "application/json", 400, "CatalogItemId" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_answers_4xx_problem_details_and_changes_nothing(string name, string who, string method, string path, string? body,
        string contentType, int status, string? field)
    {
        var world = await WorldAsync();
        var http = who == Member ? world.MemberApi : await app.AsAsync(who);
        var before = await SnapshotAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), await FillAsync(path, world));
        if (body is not null) request.Content = new StringContent(await FillAsync(body, world), Encoding.UTF8, contentType);
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.True((int)response.StatusCode == status, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        if (field is not null)
            Assert.Contains(problem.RootElement.GetProperty("errors").EnumerateObject(), e => string.Equals(e.Name, field, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(before, await SnapshotAsync());
    }

    /// <summary>What any write would change: the ledger, the balances, and the rows people and sessions are made of.</summary>
    private Task<string> SnapshotAsync() => app.QueryAsync(async db => string.Join(" | ",
        await db.Ledger.CountAsync(), await db.CreditPeriods.SumAsync(p => p.UsedCredits), await db.CreditPeriods.SumAsync(p => p.MaxCredits ?? 0),
        string.Join(",", await db.CreditPeriods.OrderBy(p => p.Id).Select(p => p.EndsOn).ToListAsync()),
        await db.Clients.CountAsync(), await db.Sessions.CountAsync(), await db.Bookings.CountAsync(), await db.CatalogItems.CountAsync(), await db.Purchases.CountAsync()));

    private sealed record World(int Location, int Client, int Purchase, int Period, int PastSession, int FutureSession, HttpClient MemberApi);

    private static World? _world;
    private static readonly SemaphoreSlim Once = new(1, 1);

    // One member with a pack of their own, a session that started yesterday and one tomorrow: made once, before any snapshot.
    private async Task<World> WorldAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_world is not null) return _world;
            var member = await app.NewMemberAsync("Bad", "Input");
            var purchase = await app.SellAsync(ApiApp.TenPack, member.ClientId);
            var period = await app.QueryAsync(db => db.CreditPeriods.Where(p => p.PurchaseId == purchase).Select(p => p.Id).FirstAsync());
            return _world = new World(await app.QueryAsync(db => db.Locations.Select(l => l.Id).FirstAsync()), member.ClientId, purchase, period,
                await app.NewSessionAsync(-1, "Started yesterday"), await app.NewSessionAsync(1, "Bad input tomorrow"), member.Api);
        }
        finally { Once.Release(); }
    }

    private async Task<string> FillAsync(string text, World w)
    {
        var period = await app.QueryAsync(db => db.CreditPeriods.SingleAsync(p => p.Id == w.Period));
        string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new StringBuilder(text)
            .Replace("{location}", Id(w.Location)).Replace("{client}", Id(w.Client)).Replace("{purchase}", Id(w.Purchase))
            .Replace("{period}", Id(w.Period)).Replace("{version}", period.Version.ToString()).Replace("{startsOn}", Iso(period.StartsOn))
            .Replace("{pastSession}", Id(w.PastSession)).Replace("{futureSession}", Id(w.FutureSession))
            .Replace("{today}", Iso(DateOnly.FromDateTime(DateTime.Now))).Replace("{huge}", Huge).ToString();
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
