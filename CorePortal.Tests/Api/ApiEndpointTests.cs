using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Api;

[Collection(ApiApp.Collection)]
public sealed class ApiEndpointTests(ApiApp app)
{
    private sealed record Period(int Id, int Used, int? Max, int? Remaining, Guid Version, bool IsCurrent);
    private sealed record Purchase(int Id, string Name, bool IsShared, List<Period> Periods);
    private sealed record Receipt(int BookingId, int? Remaining, bool Replayed);
    private sealed record Problem(string Type, string Title, int Status, string? Detail, Dictionary<string, string[]>? Errors);

    [Fact]
    public async Task Client_search_finds_the_Chens()
    {
        var page = await (await app.AsAsync(DemoUsers.Trainer)).GetFromJsonAsync<JsonElement>("/api/clients?query=chen&page=1");

        Assert.Contains(page.GetProperty("rows").EnumerateArray(), r => r.GetProperty("barcode").GetString() == "CP100001");
    }

    [Fact]
    public async Task Credits_list_owned_and_shared_purchases_with_their_periods()
    {
        var client = await app.AsAsync(DemoUsers.Trainer);

        var maya = await client.GetFromJsonAsync<List<Purchase>>($"/api/clients/{await app.ClientIdAsync("CP100001")}/credits");
        var leo = await client.GetFromJsonAsync<List<Purchase>>($"/api/clients/{await app.ClientIdAsync("CP100002")}/credits");
        var ivy = await client.GetFromJsonAsync<List<Purchase>>($"/api/clients/{await app.ClientIdAsync("CP100003")}/credits");

        var pack = Assert.Single(maya!, p => p.Name == "20-Class Family Pack");
        Assert.False(pack.IsShared);
        Assert.All(pack.Periods, p => Assert.Equal(p.Max - p.Used, p.Remaining));
        Assert.Contains(leo!, p => p.Id == pack.Id && p.IsShared);
        Assert.Empty(ivy!); // her invitation is still pending
    }

    [Fact]
    public async Task An_unknown_client_is_a_404_problem()
    {
        var response = await (await app.AsAsync(DemoUsers.Staff)).GetAsync("/api/clients/999999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.Content.ReadFromJsonAsync<Problem>())!.Status);
    }

    [Fact]
    public async Task An_adjustment_without_periods_is_a_validation_problem()
    {
        var purchase = await app.PurchaseIdAsync("CP100001", "20-Class Family Pack");

        var response = await (await app.AsAsync(DemoUsers.Staff)).PostAsJsonAsync($"/api/purchases/{purchase}/adjustments",
            new { action = "AddCredits", amount = 1, periods = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Periods", (await response.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
    }

    [Fact]
    public async Task Staff_add_credits_and_the_history_shows_it()
    {
        var client = await app.AsAsync(DemoUsers.Staff);
        var (purchase, period) = await CurrentPeriodAsync(client, "CP100004", "Monthly 8");

        var response = await client.PostAsJsonAsync($"/api/purchases/{purchase}/adjustments", new
        {
            action = "AddCredits", amount = 2, note = "API test", periods = new[] { new { periodId = period.Id, version = period.Version } },
        });
        var history = await client.GetStringAsync($"/api/purchases/{purchase}/credit-history");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("API test", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visits_say_who_used_each_credit()
    {
        var purchase = await app.PurchaseIdAsync("CP100001", "20-Class Family Pack");

        var visits = await (await app.AsAsync(DemoUsers.Trainer)).GetFromJsonAsync<JsonElement>($"/api/purchases/{purchase}/visits");

        Assert.Contains(visits.GetProperty("items").EnumerateArray(), v => v.GetProperty("creditUsedBy").GetString() == "Leo Chen");
    }

    [Fact]
    public async Task A_booking_sent_twice_with_one_Idempotency_Key_books_once_and_can_be_cancelled()
    {
        var client = await app.AsAsync(DemoUsers.Staff);
        var sofia = await app.ClientIdAsync("CP100005");
        var body = new { sessionId = await app.SessionIdAsync("HIIT 45", 3), clientId = sofia, purchaseId = await app.PurchaseIdAsync("CP100005", "Unlimited Monthly") };

        var first = await PostBookingAsync(client, body, "key-sofia-hiit-3");
        var second = await PostBookingAsync(client, body, "key-sofia-hiit-3");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var (a, b) = ((await first.Content.ReadFromJsonAsync<Receipt>())!, (await second.Content.ReadFromJsonAsync<Receipt>())!);
        Assert.Equal(a.BookingId, b.BookingId);
        Assert.True(b.Replayed);
        Assert.Equal(1, await app.QueryAsync(db => db.Bookings.CountAsync(x => x.SessionId == body.sessionId && x.ClientId == sofia)));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/bookings/{a.BookingId}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Booking_with_no_credits_left_is_a_409_problem()
    {
        var client = await app.AsAsync(DemoUsers.Staff);
        var (purchase, period) = await CurrentPeriodAsync(client, "CP100001", "20-Class Family Pack");
        var emptied = await client.PostAsJsonAsync($"/api/purchases/{purchase}/adjustments", new
        {
            action = "DeductCredits", amount = period.Remaining, periods = new[] { new { periodId = period.Id, version = period.Version } },
        });
        Assert.Equal(HttpStatusCode.OK, emptied.StatusCode);

        var response = await PostBookingAsync(client,
            new { sessionId = await app.SessionIdAsync("HIIT 45", 3), clientId = await app.ClientIdAsync("CP100001"), purchaseId = purchase }, "key-maya-empty");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("No credits left", (await response.Content.ReadFromJsonAsync<Problem>())!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schedule_and_credit_sources_give_what_a_booking_needs()
    {
        var client = await app.AsAsync(DemoUsers.Trainer);
        var downtown = (await client.GetFromJsonAsync<JsonElement>("/api/locations")).EnumerateArray()
            .Single(l => l.GetProperty("name").GetString()!.StartsWith("Downtown", StringComparison.Ordinal)).GetProperty("id").GetInt32();
        var day = DateOnly.FromDateTime(DateTime.Now).AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var hiit = await app.SessionIdAsync("HIIT 45", 3);

        var sessions = await client.GetFromJsonAsync<JsonElement>($"/api/sessions?day={day}&locationId={downtown}");
        var sources = await client.GetFromJsonAsync<JsonElement>($"/api/clients/{await app.ClientIdAsync("CP100005")}/credit-sources?sessionId={hiit}");

        Assert.Contains(sessions.EnumerateArray(), s => s.GetProperty("id").GetInt32() == hiit);
        Assert.Contains(sources.EnumerateArray(), s => s.GetProperty("purchaseName").GetString() == "Unlimited Monthly"
            && s.GetProperty("remaining").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_endpoints_without_sign_in()
    {
        var document = await (await app.AsAsync(null)).GetStringAsync("/openapi/v1.json");

        foreach (var path in new[] { "/api/auth/login", "/api/auth/refresh", "/api/clients", "/api/clients/{clientId}/credits",
                     "/api/purchases/{purchaseId}/adjustments", "/api/purchases/{purchaseId}/visits", "/api/bookings", "/api/bookings/{bookingId}/cancel",
                     "/api/sessions", "/api/clients/{clientId}/credit-sources",
                     "/api/me/packages", "/api/me/invitations/{shareId}/accept", "/api/me/packages/{purchaseId}/shares", "/api/me/shares/{shareId}",
                     "/api/me/bookings", "/api/me/bookings/{bookingId}/cancel", "/api/me/packages/{purchaseId}/visits", "/api/me/notifications" })
            Assert.Contains($"\"{path}\"", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Scalar_reference_page_opens_in_Development()
    {
        var response = await (await app.AsAsync(null)).GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private static Task<HttpResponseMessage> PostBookingAsync(HttpClient client, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<(int Purchase, Period Period)> CurrentPeriodAsync(HttpClient client, string barcode, string name)
    {
        var purchases = await client.GetFromJsonAsync<List<Purchase>>($"/api/clients/{await app.ClientIdAsync(barcode)}/credits");
        var purchase = purchases!.Single(p => p.Name == name && !p.IsShared);
        return (purchase.Id, purchase.Periods.Single(p => p.IsCurrent));
    }
}
