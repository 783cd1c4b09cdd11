using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>POST /api/purchases/{id}/cancel: the same service as the portal, with preview=true writing nothing.</summary>
[Collection(ApiApp.Collection)]
public sealed class CancelApiTests(ApiApp app)
{
    private sealed record Problem(int Status, string? Detail, Dictionary<string, string[]>? Errors);

    [Fact]
    public async Task Preview_returns_the_plan_without_writing_and_the_cancel_writes_the_same_plan()
    {
        var (purchaseId, bookingId) = await MembershipWithBookingAsync();
        var staff = await app.AsAsync(DemoUsers.Staff);
        var body = new { effective = "Now", reason = "Moving away", bookings = new[] { new { bookingId, choice = "Cancel", toPurchaseId = (int?)null } } };

        var preview = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/cancel?preview=true", body);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var previewed = await preview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Now", "Cancelled", 8), (previewed.GetProperty("effective").GetString(), previewed.GetProperty("statusAfter").GetString(), previewed.GetProperty("forfeitedCredits").GetInt32()));
        Assert.Null((await PurchaseAsync(purchaseId)).CancelsOn);

        var saved = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/cancel", body);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(previewed.GetRawText(), (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetRawText());
        var purchase = await PurchaseAsync(purchaseId);
        Assert.Equal((PurchaseStatus.Cancelled, "Moving away"), (purchase.Status, purchase.CancelReason));
        var again = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/cancel", body);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_fields_and_writes_nothing()
    {
        var (purchaseId, bookingId) = await MembershipWithBookingAsync(packageToo: true);
        var staff = await app.AsAsync(DemoUsers.Staff);

        var noReason = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/cancel", new { effective = "Now", reason = "" });
        var keepUncovered = await staff.PostAsJsonAsync($"/api/purchases/{purchaseId}/cancel",
            new { effective = "Now", reason = "Why", bookings = new[] { new { bookingId, choice = "Keep" } } });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (noReason.StatusCode, keepUncovered.StatusCode));
        Assert.Equal(["reason"], (await noReason.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
        Assert.Equal(["bookings"], (await keepUncovered.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
        Assert.Null((await PurchaseAsync(purchaseId)).CancelsOn);
    }

    [Fact]
    public async Task A_trainer_is_refused()
    {
        var (purchaseId, _) = await MembershipWithBookingAsync();

        var response = await (await app.AsAsync(DemoUsers.Trainer)).PostAsJsonAsync($"/api/purchases/{purchaseId}/cancel?preview=true", new { effective = "Now", reason = "Why" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_cancel_endpoint_with_its_preview_and_its_answers()
    {
        var document = await (await app.AsAsync(DemoUsers.Staff)).GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var post = document.GetProperty("paths").GetProperty("/api/purchases/{purchaseId}/cancel").GetProperty("post");
        Assert.Contains(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "preview");
        foreach (var status in new[] { "200", "400", "403", "404", "409" })
            Assert.True(post.GetProperty("responses").TryGetProperty(status, out _), status);
    }

    // A membership of its own sold today to a new client, with a class booked in three days (its first period covers it).
    private async Task<(int PurchaseId, int BookingId)> MembershipWithBookingAsync(bool packageToo = false)
    {
        using var studio = await new StudioBuilder(app.Services).AtFirstLocationAsync();
        var unique = Guid.NewGuid().ToString("N")[..6];
        var client = await studio.ClientAsync("Cora", $"Cancel{unique}");
        var purchase = await studio.SellAsync(await studio.MembershipAsync($"Monthly 8 {unique}", 8, periods: 1), client);
        var session = await studio.SessionAsync($"Flow {unique}", 3);
        var booking = await studio.BookAsync(session, client, purchase);
        if (packageToo) await studio.SellAsync(await studio.PackageAsync($"Pack {unique}", 5), client);
        return (purchase.Id, booking.BookingId);
    }

    private async Task<Purchase> PurchaseAsync(int id)
    {
        using var studio = new StudioBuilder(app.Services);
        await using var db = await studio.Db.CreateDbContextAsync();
        return await db.Purchases.AsNoTracking().SingleAsync(p => p.Id == id);
    }
}
