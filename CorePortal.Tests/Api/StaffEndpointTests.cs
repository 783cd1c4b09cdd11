using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Api;

/// <summary>The staff endpoints added after the first API slice: client writes, catalog, sales, new sessions and rosters.</summary>
[Collection(ApiApp.Collection)]
public sealed class StaffEndpointTests(ApiApp app)
{
    private sealed record Profile(int Id, string FirstName, string LastName, string Email, string Phone, string Barcode, string HomeLocation);
    private sealed record Problem(int Status, string? Detail, Dictionary<string, string[]>? Errors);
    private sealed record CatalogItem(int Id, string Kind, string Name, decimal Price, int LocationId, bool AllowSharing, string? SharingLimit, Guid Version);
    private sealed record SaleReceipt(int PurchaseId, int OwnerClientId, string ItemName, List<string> SharedWith);
    private sealed record SharedPackage(int ShareId, int PurchaseId, string OwnerName, int Status);
    private sealed record RosterRow(int BookingId, string ClientName, string PurchaseName);

    private static readonly string Today = DateOnly.FromDateTime(DateTime.Now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_new_client_gets_a_barcode_and_search_finds_it()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);

        var response = await staff.PostAsJsonAsync("/api/clients", NewClient("Quinn", "Abernathy"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<Profile>())!;
        Assert.Equal($"/api/clients/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal($"CP{created.Id + 500000}", created.Barcode);
        var byBarcode = await staff.GetFromJsonAsync<JsonElement>($"/api/clients?query={created.Barcode}");
        Assert.Equal(created.Id, Assert.Single(byBarcode.GetProperty("rows").EnumerateArray()).GetProperty("id").GetInt32());
        Assert.Equal("Quinn Abernathy", (await SearchNamesAsync(staff, "quinn aber")).Single());
    }

    [Fact]
    public async Task A_new_client_sent_twice_with_one_Idempotency_Key_is_added_once()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);

        var first = await PostAsync(staff, "/api/clients", NewClient("Ida", "Twiceton"), "key-ida-twiceton");
        var second = await PostAsync(staff, "/api/clients", NewClient("Ida", "Twiceton"), "key-ida-twiceton");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal((await first.Content.ReadFromJsonAsync<Profile>())!.Id, (await second.Content.ReadFromJsonAsync<Profile>())!.Id);
        Assert.Equal(["Ida Twiceton"], await SearchNamesAsync(staff, "ida twice"));
    }

    [Fact]
    public async Task A_client_without_names_and_with_a_bad_email_is_a_400_naming_the_fields()
    {
        var response = await (await app.AsAsync(DemoUsers.Staff)).PostAsJsonAsync("/api/clients", new { firstName = " ", email = "not-an-email", homeLocationId = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<Problem>())!.Errors!;
        Assert.Equal(["Email", "FirstName", "LastName"], errors.Keys.Order());
    }

    [Fact]
    public async Task A_barcode_another_client_has_is_a_409_and_adds_no_client()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);

        var response = await staff.PostAsJsonAsync("/api/clients", NewClient("Maya", "Twin") with { Barcode = "CP100001" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await SearchNamesAsync(staff, "maya twin"));
    }

    [Fact]
    public async Task Updating_a_client_moves_their_search_keys_and_keeps_their_barcode()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);
        var created = await CreateClientAsync(staff, "Rowan", "Beckett");

        var response = await staff.PutAsJsonAsync($"/api/clients/{created.Id}", NewClient("Rowan", "Castellano") with { Phone = "(555) 777-1234" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(created.Barcode, (await response.Content.ReadFromJsonAsync<Profile>())!.Barcode);
        Assert.Empty(await SearchNamesAsync(staff, "rowan beck"));
        Assert.Equal(["Rowan Castellano"], await SearchNamesAsync(staff, "7771234"));
    }

    [Fact]
    public async Task Updating_an_unknown_client_is_a_404()
    {
        var response = await (await app.AsAsync(DemoUsers.Staff)).PutAsJsonAsync("/api/clients/999999", NewClient("No", "One"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Managers_list_the_catalog_with_sharing_settings()
    {
        var packages = await (await app.AsAsync(DemoUsers.Manager)).GetFromJsonAsync<JsonElement>("/api/catalog?kind=Package");

        var family = packages.EnumerateArray().Single(i => i.GetProperty("name").GetString() == "20-Class Family Pack");
        Assert.True(family.GetProperty("allowSharing").GetBoolean());
        Assert.Equal(3, family.GetProperty("sharingLimit").GetInt32());
        Assert.All(packages.EnumerateArray(), i => Assert.Equal("Package", i.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_manager_creates_and_edits_an_item_and_a_stale_version_is_a_409()
    {
        var manager = await app.AsAsync(DemoUsers.Manager);
        var created = await manager.PostAsJsonAsync("/api/catalog", new
        {
            kind = "Package", name = "API Duo Pack", price = 99.5m, locationId = 1, creditsPerPeriod = 6, validityDays = 60, allowSharing = true, sharingLimit = "1",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // An API client sends back what it read, with the version it read.
        var item = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = item["id"]!.GetValue<int>();
        var withLimit = item.DeepClone();
        withLimit["sharingLimit"] = "2";
        var renamed = item.DeepClone();
        renamed["name"] = "API Trio Pack";

        var edited = await manager.PutAsJsonAsync($"/api/catalog/{id}", withLimit);
        var stale = await manager.PutAsJsonAsync($"/api/catalog/{id}", renamed);

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var now = await manager.GetFromJsonAsync<CatalogItem>($"/api/catalog/{id}");
        Assert.Equal(("API Duo Pack", "2", 99.5m, true), (now!.Name, now.SharingLimit, now.Price, now.AllowSharing));
    }

    [Fact]
    public async Task A_catalog_membership_carries_its_renewal_rollover_and_freeze_rules_both_ways()
    {
        var manager = await app.AsAsync(DemoUsers.Manager);
        var body = new
        {
            kind = "Membership", name = $"API Renewing {Guid.NewGuid():N}"[..24], price = 80, locationId = 1, creditsPerPeriod = 6, periodUnit = "Month",
            renewal = "FixedTerm", periodCount = 6, rollover = "UpTo", rolloverCap = 2, rolloverExpiresAfterPeriods = 2,
            allowFreeze = true, freezeMinDays = 7, freezeMaxDays = 28, freezeMaxDaysPerYear = 56, defaultFreezeMode = "Prorate",
        };

        var created = await manager.PostAsJsonAsync("/api/catalog", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var read = await manager.GetFromJsonAsync<JsonObject>(created.Headers.Location!.OriginalString);
        Assert.Equal(("FixedTerm", 6, "UpTo", 2, 2, true, 7, 28, 56, "Prorate"),
            (read!["renewal"]!.GetValue<string>(), read["periodCount"]!.GetValue<int>(), read["rollover"]!.GetValue<string>(), read["rolloverCap"]!.GetValue<int>(),
             read["rolloverExpiresAfterPeriods"]!.GetValue<int>(), read["allowFreeze"]!.GetValue<bool>(), read["freezeMinDays"]!.GetValue<int>(),
             read["freezeMaxDays"]!.GetValue<int>(), read["freezeMaxDaysPerYear"]!.GetValue<int>(), read["defaultFreezeMode"]!.GetValue<string>()));

        read["renewal"] = "OpenEnded";
        read["rollover"] = "All";
        read["rolloverCap"] = 0; // outside UpTo the cap is ignored
        var updated = await manager.PutAsJsonAsync(created.Headers.Location!.OriginalString, read);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await updated.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(("OpenEnded", "All", null), (after!["renewal"]!.GetValue<string>(), after["rollover"]!.GetValue<string>(), after["rolloverCap"]?.GetValue<int>()));

        after["freezeMaxDays"] = 3; // below the fewest days
        var refused = await manager.PutAsJsonAsync(created.Headers.Location!.OriginalString, after);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["FreezeMaxDays"], (await refused.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
    }

    [Fact]
    public async Task A_catalog_item_without_a_name_is_a_400_naming_the_field_and_staff_may_not_create_one()
    {
        var body = new { kind = "Membership", name = "", price = 10, locationId = 1, creditsPerPeriod = 4, periodUnit = "Week", periodCount = 4 };

        var byManager = await (await app.AsAsync(DemoUsers.Manager)).PostAsJsonAsync("/api/catalog", body);
        var byStaff = await (await app.AsAsync(DemoUsers.Staff)).PostAsJsonAsync("/api/catalog", body with { name = "Staff Special" });

        Assert.Equal(HttpStatusCode.BadRequest, byManager.StatusCode);
        Assert.Equal(["Name"], (await byManager.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
        Assert.Equal(HttpStatusCode.Forbidden, byStaff.StatusCode);
        Assert.Equal("application/problem+json", byStaff.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.CatalogItems, i => i.Name == "Staff Special")));
    }

    [Fact]
    public async Task A_sale_with_two_shared_clients_leaves_each_a_pending_share()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);
        var (owner, kim, lee) = (await CreateClientAsync(staff, "Olga", "Salesby"), await CreateClientAsync(staff, "Kim", "Salesby"), await CreateClientAsync(staff, "Lee", "Salesby"));
        var items = await staff.GetFromJsonAsync<JsonElement>("/api/sales/items");
        var family = items.EnumerateArray().Single(i => i.GetProperty("name").GetString() == "20-Class Family Pack").GetProperty("id").GetInt32();

        var response = await staff.PostAsJsonAsync("/api/sales", new { catalogItemId = family, ownerClientId = owner.Id, sharedClientIds = new[] { kim.Id, lee.Id } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<SaleReceipt>())!;
        Assert.Equal(["Kim Salesby", "Lee Salesby"], receipt.SharedWith);
        foreach (var shared in new[] { kim, lee })
        {
            var packages = await staff.GetFromJsonAsync<List<SharedPackage>>($"/api/clients/{shared.Id}/shared-packages");
            var share = Assert.Single(packages!);
            Assert.Equal((receipt.PurchaseId, "Olga Salesby", 0), (share.PurchaseId, share.OwnerName, share.Status)); // 0: Pending
        }
    }

    [Fact]
    public async Task A_sale_sent_twice_with_one_Idempotency_Key_sells_once()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);
        var owner = await CreateClientAsync(staff, "Otto", "Retrysale");
        var body = new { catalogItemId = await app.CatalogItemIdAsync("10-Class Pack"), ownerClientId = owner.Id };

        var first = await PostAsync(staff, "/api/sales", body, "key-otto-ten-pack");
        var second = await PostAsync(staff, "/api/sales", body, "key-otto-ten-pack");
        var otherOwner = await PostAsync(staff, "/api/sales", body with { ownerClientId = (await CreateClientAsync(staff, "Opal", "Retrysale")).Id }, "key-otto-ten-pack");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict), (first.StatusCode, second.StatusCode, otherOwner.StatusCode));
        var (a, b) = ((await first.Content.ReadFromJsonAsync<SaleReceipt>())!, (await second.Content.ReadFromJsonAsync<SaleReceipt>())!);
        Assert.Equal(a.PurchaseId, b.PurchaseId);
        Assert.Single((await staff.GetFromJsonAsync<List<JsonElement>>($"/api/clients/{owner.Id}/credits"))!);
    }

    [Fact]
    public async Task A_sale_without_an_item_is_a_400_naming_the_field()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);
        var owner = await CreateClientAsync(staff, "Nell", "Nosale");

        var response = await staff.PostAsJsonAsync("/api/sales", new { ownerClientId = owner.Id });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["CatalogItemId"], (await response.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
        Assert.Empty((await staff.GetFromJsonAsync<List<JsonElement>>($"/api/clients/{owner.Id}/credits"))!);
    }

    [Fact]
    public async Task A_new_session_can_be_booked_and_its_roster_shows_who_is_in()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);
        var start = DateTime.Now.AddHours(1); // not yet started whenever the test runs (a fixed 23:30 had started by 23:30)
        var created = await staff.PostAsJsonAsync("/api/sessions", new { name = "API Late Stretch", locationId = 1, trainer = "Ana",
            date = start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            startTime = start.ToString("HH:mm:00", System.Globalization.CultureInfo.InvariantCulture), durationMinutes = 20, capacity = 4 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sessionId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var sofia = await app.ClientIdAsync("CP100005");

        var booked = await staff.PostAsJsonAsync("/api/bookings", new { sessionId, clientId = sofia, purchaseId = await app.PurchaseIdAsync("CP100005", "Unlimited Monthly") });
        var roster = await (await app.AsAsync(DemoUsers.Trainer)).GetFromJsonAsync<List<RosterRow>>($"/api/sessions/{sessionId}/roster");

        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal(("Sofia Martinez", "Unlimited Monthly"), (Assert.Single(roster!).ClientName, roster![0].PurchaseName));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/bookings/{roster[0].BookingId}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task A_session_without_a_name_is_a_400_and_an_unknown_roster_a_404()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);

        var invalid = await staff.PostAsJsonAsync("/api/sessions", new { name = (string?)null, locationId = 1, trainer = "Ana", date = Today, startTime = "07:00:00" });
        var unknown = await staff.GetAsync("/api/sessions/999999/roster");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(["Name"], (await invalid.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_staff_endpoints_under_their_tags()
    {
        using var document = JsonDocument.Parse(await (await app.AsAsync(null)).GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");

        foreach (var (path, method, tag) in new[]
                 {
                     ("/api/clients", "post", "Clients"), ("/api/clients/{clientId}", "put", "Clients"), ("/api/catalog", "get", "Catalog"),
                     ("/api/catalog", "post", "Catalog"), ("/api/catalog/{itemId}", "put", "Catalog"), ("/api/sales/items", "get", "Sales"),
                     ("/api/sales", "post", "Sales"), ("/api/sessions", "post", "Schedule"), ("/api/sessions/{sessionId}/roster", "get", "Schedule"),
                 })
        {
            var tags = paths.GetProperty(path).GetProperty(method).GetProperty("tags").EnumerateArray().Select(t => t.GetString());
            Assert.Contains(tag, tags);
        }
    }

    private sealed record ClientBody(string FirstName, string LastName, string Email, string Phone, string? Barcode, int HomeLocationId);

    private static ClientBody NewClient(string first, string last) =>
        new(first, last, $"{first}.{last}@example.org".ToLowerInvariant(), "555 010 9999", null, 1);

    private static async Task<Profile> CreateClientAsync(HttpClient staff, string first, string last)
    {
        var response = await staff.PostAsJsonAsync("/api/clients", NewClient(first, last));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Profile>())!;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    private static async Task<List<string>> SearchNamesAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/clients?query={Uri.EscapeDataString(query)}");
        return [.. page.GetProperty("rows").EnumerateArray().Select(r => $"{r.GetProperty("firstName").GetString()} {r.GetProperty("lastName").GetString()}")];
    }
}
