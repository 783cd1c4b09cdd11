using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CorePortal.Tests.Api;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Bookings;

/// <summary>The waitlist over the API: staff put clients on it and read it; members join, see their position, and leave.</summary>
[Collection(ApiApp.Collection)]
public sealed class WaitlistApiTests(ApiApp app)
{
    private sealed record Problem(int Status, string? Detail, Dictionary<string, string[]>? Errors);
    private sealed record Row(int EntryId, int SessionId, int Position, int ClientId, string ClientName, int PurchaseId, string PurchaseName);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_member_joins_a_full_session_sees_their_position_and_is_booked_when_the_place_frees()
    {
        var (sessionId, booked) = await FullSessionAsync("Waitlist Flow");
        var ana = await app.NewMemberAsync("Ana", "Waitson");
        var pack = await app.SellAsync(ApiApp.TenPack, ana.ClientId);

        var joined = await ana.Api.PostAsJsonAsync($"/api/me/sessions/{sessionId}/waitlist", new { }, Ct);
        var mine = await ana.Api.GetFromJsonAsync<List<Row>>($"/api/me/sessions/{sessionId}/waitlist", Ct);
        var bookings = await ana.Api.GetFromJsonAsync<JsonElement>("/api/me/bookings", Ct);

        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        var row = (await joined.Content.ReadFromJsonAsync<Row>(Ct))!;
        Assert.Equal((1, pack), (row.Position, row.PurchaseId));
        Assert.Equal($"/api/me/sessions/{sessionId}/waitlist/{row.EntryId}", joined.Headers.Location?.OriginalString);
        Assert.Equal(1, Assert.Single(mine!).Position);
        var waiting = Assert.Single(bookings.GetProperty("waiting").EnumerateArray());
        Assert.Equal((sessionId, 1), (waiting.GetProperty("sessionId").GetInt32(), waiting.GetProperty("position").GetInt32()));

        Assert.Equal(HttpStatusCode.OK, (await booked.Api.PostAsync($"/api/me/bookings/{await BookingOfAsync(booked.ClientId, sessionId)}/cancel", null, Ct)).StatusCode);

        var after = await ana.Api.GetFromJsonAsync<JsonElement>("/api/me/bookings", Ct);
        Assert.Empty(after.GetProperty("waiting").EnumerateArray());
        Assert.Contains(after.GetProperty("items").EnumerateArray(), b => b.GetProperty("sessionId").GetInt32() == sessionId);
        var notices = await ana.Api.GetFromJsonAsync<JsonElement>("/api/me/notifications", Ct);
        Assert.Contains(notices.EnumerateArray(), n => n.GetProperty("text").GetString()!.StartsWith("You're in:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staff_add_a_client_read_the_list_and_remove_them_and_a_member_leaves_on_their_own()
    {
        var (sessionId, _) = await FullSessionAsync("Waitlist Desk");
        var ben = await app.NewMemberAsync("Ben", "Waitson");
        await app.SellAsync(ApiApp.TenPack, ben.ClientId);
        var cleo = await app.NewMemberAsync("Cleo", "Waitson");
        await app.SellAsync(ApiApp.TenPack, cleo.ClientId);
        var staff = await app.AsAsync(DemoUsers.Staff);

        var added = await staff.PostAsJsonAsync($"/api/sessions/{sessionId}/waitlist", new { clientId = ben.ClientId }, Ct);
        var cleoJoined = (await (await cleo.Api.PostAsJsonAsync($"/api/me/sessions/{sessionId}/waitlist", new { }, Ct)).Content.ReadFromJsonAsync<Row>(Ct))!;
        var list = await staff.GetFromJsonAsync<List<Row>>($"/api/sessions/{sessionId}/waitlist", Ct);
        var benRow = (await added.Content.ReadFromJsonAsync<Row>(Ct))!;
        var removed = await staff.DeleteAsync($"/api/sessions/{sessionId}/waitlist/{benRow.EntryId}", Ct);
        var byOther = await ben.Api.DeleteAsync($"/api/me/sessions/{sessionId}/waitlist/{cleoJoined.EntryId}", Ct);
        var left = await cleo.Api.DeleteAsync($"/api/me/sessions/{sessionId}/waitlist/{cleoJoined.EntryId}", Ct);

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(["Ben Waitson", "Cleo Waitson"], list!.OrderBy(r => r.Position).Select(r => r.ClientName));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK), (removed.StatusCode, byOther.StatusCode, left.StatusCode));
        Assert.Empty((await staff.GetFromJsonAsync<List<Row>>($"/api/sessions/{sessionId}/waitlist", Ct))!);
    }

    [Fact]
    public async Task Bad_joins_answer_400_with_the_field_403_for_a_trainer_and_404_for_an_unknown_session_or_entry()
    {
        var (sessionId, _) = await FullSessionAsync("Waitlist Refusals");
        var dan = await app.NewMemberAsync("Dan", "Waitson");
        var staff = await app.AsAsync(DemoUsers.Staff);
        var notHis = await app.PurchaseIdAsync("CP100001", ApiApp.FamilyPack);

        var noClient = await staff.PostAsJsonAsync($"/api/sessions/{sessionId}/waitlist", new { }, Ct);
        var noCredit = await staff.PostAsJsonAsync($"/api/sessions/{sessionId}/waitlist", new { clientId = dan.ClientId }, Ct);
        var wrongPack = await dan.Api.PostAsJsonAsync($"/api/me/sessions/{sessionId}/waitlist", new { purchaseId = notHis }, Ct);
        var trainer = await (await app.AsAsync(DemoUsers.Trainer)).PostAsJsonAsync($"/api/sessions/{sessionId}/waitlist", new { clientId = dan.ClientId }, Ct);
        var unknown = await staff.PostAsJsonAsync("/api/sessions/999999/waitlist", new { clientId = dan.ClientId }, Ct);
        var unknownList = await staff.GetAsync("/api/sessions/999999/waitlist", Ct);
        var unknownEntry = await staff.DeleteAsync($"/api/sessions/{sessionId}/waitlist/999999", Ct);

        Assert.Equal(["clientId"], await FieldsAsync(noClient));
        Assert.Equal(["purchaseId"], await FieldsAsync(noCredit));
        Assert.Equal(["purchaseId"], await FieldsAsync(wrongPack));
        Assert.Equal(HttpStatusCode.Forbidden, trainer.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (unknown.StatusCode, unknownList.StatusCode, unknownEntry.StatusCode));
        Assert.Empty((await staff.GetFromJsonAsync<List<Row>>($"/api/sessions/{sessionId}/waitlist", Ct))!);
    }

    // A session tomorrow with one place and a waitlist of 3, made through the staff API; a new member takes the place.
    private async Task<(int SessionId, (int ClientId, string Email, string Barcode, HttpClient Api) Booked)> FullSessionAsync(string name)
    {
        var staff = await app.AsAsync(DemoUsers.Staff);
        var tomorrow = DateTime.Today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var created = await staff.PostAsJsonAsync("/api/sessions",
            new { name, locationId = 1, trainer = "Taylor Trainer", date = tomorrow, startTime = "07:00:00", durationMinutes = 45, capacity = 1, waitlistSize = 3 }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sessionId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt32();
        var booked = await app.NewMemberAsync("Booked", name.Replace(" ", "", StringComparison.Ordinal));
        var pack = await app.SellAsync(ApiApp.TenPack, booked.ClientId);
        Assert.Equal(HttpStatusCode.Created, (await booked.Api.PostAsJsonAsync("/api/me/bookings", new { sessionId, purchaseId = pack }, Ct)).StatusCode);
        return (sessionId, booked);
    }

    private Task<int> BookingOfAsync(int clientId, int sessionId) =>
        app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Bookings.Where(b => b.ClientId == clientId && b.SessionId == sessionId).Select(b => b.Id)));

    private static async Task<string[]> FieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<Problem>(Ct))!.Errors!.Keys];
    }
}
