using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CorePortal.Data;
using CorePortal.Features.Api;
using CorePortal.Features.Bookings;
using CorePortal.Features.Members;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CorePortal.Tests.Members;

/// <summary>The members' app over HTTP: a member acts for their own client only, with the same rules as the front desk.</summary>
[Collection(ApiApp.Collection)]
public sealed class MemberApiTests(ApiApp app)
{
    [Fact]
    public async Task Demo_members_see_their_own_packages_the_ones_shared_with_them_and_their_invitations()
    {
        var maya = await (await app.AsAsync(DemoUsers.Maya)).GetFromJsonAsync<List<ApiPurchase>>("/api/me/packages");
        var leo = await (await app.AsAsync(DemoUsers.Leo)).GetFromJsonAsync<List<ApiPurchase>>("/api/me/packages");
        var ivy = await app.AsAsync(DemoUsers.Ivy);

        Assert.Contains(maya!, p => p is { Name: "20-Class Family Pack", IsShared: false, OwnerName: "Maya Chen" });
        Assert.Contains(maya!, p => p.Name == "10-Class Pack");
        var shared = Assert.Single(leo!);
        Assert.Equal(("20-Class Family Pack", true, "Maya Chen"), (shared.Name, shared.IsShared, shared.OwnerName));
        Assert.Empty((await ivy.GetFromJsonAsync<List<ApiPurchase>>("/api/me/packages"))!); // invited, not yet accepted
        var invitation = Assert.Single((await ivy.GetFromJsonAsync<List<SharedWithMeView>>("/api/me/invitations"))!);
        Assert.Equal(("20-Class Family Pack", "Maya Chen", ShareStatus.Pending), (invitation.Name, invitation.OwnerName, invitation.Status));
    }

    [Fact]
    public async Task Owner_shares_buddy_accepts_and_books_owner_sees_who_used_it_and_removes_the_buddy_whose_next_booking_is_refused()
    {
        var owner = await app.NewMemberAsync("Olivia", "Owner");
        var buddy = await app.NewMemberAsync("Bram", "Buddy");
        var pack = await app.SellAsync(ApiApp.FamilyPack, owner.ClientId);
        var (first, second) = (await app.NewSessionAsync(1), await app.NewSessionAsync(2));

        // The owner shares by email; the buddy gets the push notification and the email, and accepts.
        var shared = await owner.Api.PostAsJsonAsync($"/api/me/packages/{pack}/shares", new { emailOrBarcode = buddy.Email.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        var mail = await app.WaitForMailAsync(buddy.Email);
        Assert.StartsWith("Olivia Owner has shared 20-Class Family Pack with you", mail.TextBody, StringComparison.Ordinal);
        var feed = await WaitForNotificationAsync(buddy.Api);
        Assert.Equal("Olivia Owner has shared 20-Class Family Pack with you for use at Downtown Studio.", feed.Text);
        var invitation = Assert.Single((await buddy.Api.GetFromJsonAsync<List<SharedWithMeView>>("/api/me/invitations"))!);
        Assert.Equal(HttpStatusCode.OK, (await buddy.Api.PostAsync($"/api/me/invitations/{invitation.ShareId}/accept", null)).StatusCode);

        // The buddy books from the shared pool with the source the app offered.
        var sources = await buddy.Api.GetFromJsonAsync<List<CreditSource>>($"/api/me/credit-sources?sessionId={first}");
        var source = Assert.Single(sources!);
        Assert.Equal((pack, true, 20), (source.PurchaseId, source.IsShared, source.Remaining));
        var booked = await buddy.Api.PostAsJsonAsync("/api/me/bookings", new { sessionId = first, purchaseId = pack });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal(19, (await booked.Content.ReadFromJsonAsync<BookingReceipt>())!.Remaining);
        var upcoming = await buddy.Api.GetFromJsonAsync<MemberBookingPage>("/api/me/bookings");
        Assert.Equal(("Member Flow", "20-Class Family Pack", "Olivia Owner"), (upcoming!.Items[0].Session, upcoming.Items[0].PurchaseName, upcoming.Items[0].PurchaseOwner));

        // The owner sees the visit used by the buddy, and the pool's balance, then removes the buddy.
        var visits = await owner.Api.GetFromJsonAsync<VisitPage>($"/api/me/packages/{pack}/visits");
        Assert.Equal("Bram Buddy", Assert.Single(visits!.Items).CreditUsedBy);
        var mine = await owner.Api.GetFromJsonAsync<List<ApiPurchase>>("/api/me/packages");
        Assert.Equal(19, mine!.Single(p => p.Id == pack).Periods.Single().Remaining);
        var sharing = await owner.Api.GetFromJsonAsync<MemberSharingView>($"/api/me/packages/{pack}/sharing");
        var place = Assert.Single(sharing!.AuthorizedUsers);
        Assert.Equal(("Bram Buddy", ShareStatus.Accepted, 2), (place.Name, place.Status, sharing.PlacesLeft));
        Assert.Equal(HttpStatusCode.OK, (await owner.Api.DeleteAsync($"/api/me/shares/{place.ShareId}")).StatusCode);

        var refused = await buddy.Api.PostAsJsonAsync("/api/me/bookings", new { sessionId = second, purchaseId = pack });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("not shared with them", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await buddy.Api.GetFromJsonAsync<List<ApiPurchase>>("/api/me/packages"))!);
        Assert.Equal(19, await app.QueryAsync(db => db.CreditPeriods.Where(p => p.PurchaseId == pack).Select(p => p.MaxCredits!.Value - p.UsedCredits).SingleAsync()));
    }

    [Fact]
    public async Task Sharing_by_barcode_invites_the_client_and_refuses_unshareable_packages_and_a_full_pack_with_their_own_message()
    {
        var owner = await app.NewMemberAsync("Sasha", "Sharer");
        var pack = await app.SellAsync(ApiApp.FamilyPack, owner.ClientId);
        var friends = new[] { await app.NewClientAsync("Fern", "One"), await app.NewClientAsync("Fern", "Two"), await app.NewClientAsync("Fern", "Three"), await app.NewClientAsync("Fern", "Four") };

        foreach (var friend in friends[..3])
            Assert.Equal(HttpStatusCode.OK, (await owner.Api.PostAsJsonAsync($"/api/me/packages/{pack}/shares", new { emailOrBarcode = friend.Barcode })).StatusCode);
        var full = await owner.Api.PostAsJsonAsync($"/api/me/packages/{pack}/shares", new { emailOrBarcode = friends[3].Barcode });
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Contains("All 3 sharing places are taken.", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var tenPack = await app.SellAsync(ApiApp.TenPack, owner.ClientId);
        var notShareable = await owner.Api.PostAsJsonAsync($"/api/me/packages/{tenPack}/shares", new { emailOrBarcode = friends[3].Barcode });
        Assert.Equal(HttpStatusCode.BadRequest, notShareable.StatusCode);
        Assert.Contains("Sharing is not allowed on this purchase.", await notShareable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([friends[0].Id, friends[1].Id, friends[2].Id],
            await app.QueryAsync(db => db.PurchaseShares.Where(s => s.PurchaseId == pack).OrderBy(s => s.Id).Select(s => s.ClientId).ToListAsync()));
    }

    [Fact]
    public async Task Sharing_answers_the_same_for_clients_and_strangers_and_never_names_whom_an_email_or_barcode_belongs_to()
    {
        var owner = await app.NewMemberAsync("Nina", "Nosy");
        var pack = await app.SellAsync(ApiApp.FamilyPack, owner.ClientId);
        var byBarcode = await app.NewClientAsync("Quentin", "Quiet");
        var byEmail = await app.NewClientAsync("Rhea", "Reserved");
        var typed = new[] { "stranger@example.com", "NO-SUCH-BARCODE", byBarcode.Barcode, byEmail.Email.ToUpperInvariant(), owner.Email, byBarcode.Barcode };

        var answers = new List<(HttpStatusCode, string)>();
        foreach (var contact in typed)
        {
            var response = await owner.Api.PostAsJsonAsync($"/api/me/packages/{pack}/shares", new { emailOrBarcode = contact });
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("Quentin", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Rhea", body, StringComparison.Ordinal);
            // The answer echoes what was typed and nothing else: with it taken out, every answer is the same.
            answers.Add((response.StatusCode, body.Replace(JsonSerializer.Serialize(contact).Trim('"'), "[typed]", StringComparison.Ordinal)));
        }

        Assert.Equal((HttpStatusCode.OK, JsonSerializer.Serialize(new { message = MemberInvitationService.Answer("[typed]") })), answers[0]);
        Assert.All(answers, a => Assert.Equal(answers[0], a));
        // The two clients are invited, once each; the stranger, the owner and the repeat changed nothing.
        Assert.Equal([byBarcode.Id, byEmail.Id],
            await app.QueryAsync(db => db.PurchaseShares.Where(s => s.PurchaseId == pack).OrderBy(s => s.Id).Select(s => s.ClientId).ToListAsync()));

        // The owner's list shows each pending invitation as they typed it, with no name and no client id.
        var listed = await owner.Api.GetStringAsync($"/api/me/packages/{pack}/sharing");
        Assert.DoesNotContain("Quentin", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("Rhea", listed, StringComparison.Ordinal);
        var sharing = JsonSerializer.Deserialize<MemberSharingView>(listed, JsonSerializerOptions.Web)!;
        Assert.Equal([(null, byBarcode.Barcode, ShareStatus.Pending), (null, byEmail.Email.ToUpperInvariant(), ShareStatus.Pending)],
            sharing.AuthorizedUsers.Select(u => (u.ClientId, u.Name, u.Status)).ToList());

        // Withdrawing one does not name them either.
        var withdrawn = await owner.Api.DeleteAsync($"/api/me/shares/{sharing.AuthorizedUsers[0].ShareId}");
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.DoesNotContain("Quentin", await withdrawn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_the_daily_limit_a_member_gets_429_for_anyone_they_name_and_nothing_is_written()
    {
        var owner = await app.NewMemberAsync("Lena", "Limit");
        var pack = await app.SellAsync(ApiApp.FamilyPack, owner.ClientId);
        var client = await app.NewClientAsync("Kai", "Known");
        var limit = app.Services.GetRequiredService<IOptions<SharingOptions>>().Value.MemberInvitationsPerDay;

        // Every request counts, whether it named a client or nobody.
        Assert.Equal(HttpStatusCode.OK, (await owner.Api.PostAsJsonAsync($"/api/me/packages/{pack}/shares", new { emailOrBarcode = client.Barcode })).StatusCode);
        for (var i = 1; i < limit; i++)
            Assert.Equal(HttpStatusCode.OK, (await owner.Api.PostAsJsonAsync($"/api/me/packages/{pack}/shares", new { emailOrBarcode = $"nobody{i}@example.com" })).StatusCode);
        var before = await WrittenAsync(pack);
        var other = await app.NewClientAsync("Uma", "Unreached");

        var toClient = await owner.Api.PostAsJsonAsync($"/api/me/packages/{pack}/shares", new { emailOrBarcode = other.Barcode });
        var toNobody = await owner.Api.PostAsJsonAsync($"/api/me/packages/{pack}/shares", new { emailOrBarcode = "nobody@example.com" });

        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests), (toClient.StatusCode, toNobody.StatusCode));
        Assert.Equal("application/problem+json", toClient.Content.Headers.ContentType?.MediaType);
        var problem = await toClient.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        var other429 = await toNobody.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString()),
            (other429.GetProperty("title").GetString(), other429.GetProperty("detail").GetString()));
        Assert.Equal(before, await WrittenAsync(pack));
        // Another member's limit is their own.
        var neighbour = await app.NewMemberAsync("Nell", "Neighbour");
        var theirs = await app.SellAsync(ApiApp.FamilyPack, neighbour.ClientId);
        Assert.Equal(HttpStatusCode.OK, (await neighbour.Api.PostAsJsonAsync($"/api/me/packages/{theirs}/shares", new { emailOrBarcode = other.Barcode })).StatusCode);
    }

    // What a sharing request can write: shares, requests counted by the limit, mails and history.
    private Task<string> WrittenAsync(int pack) => app.QueryAsync(async db =>
        $"{await db.PurchaseShares.CountAsync(s => s.PurchaseId == pack)} | {await db.ShareRequests.CountAsync(r => r.PurchaseId == pack)} | "
        + $"{await db.Outbox.CountAsync()} | {await db.PurchaseHistory.CountAsync(h => h.PurchaseId == pack)}");

    [Fact]
    public async Task A_member_cancels_their_own_booking_and_the_credit_comes_back_and_a_retried_booking_books_once()
    {
        var member = await app.NewMemberAsync("Cara", "Canceller");
        var pack = await app.SellAsync(ApiApp.FamilyPack, member.ClientId);
        var session = await app.NewSessionAsync(3);

        var first = await BookAsync(member.Api, session, pack, "cara-1");
        var retry = await BookAsync(member.Api, session, pack, "cara-1");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        var receipt = (await first.Content.ReadFromJsonAsync<BookingReceipt>())!;
        Assert.Equal(receipt.BookingId, (await retry.Content.ReadFromJsonAsync<BookingReceipt>())!.BookingId);

        Assert.Equal(HttpStatusCode.OK, (await member.Api.PostAsync($"/api/me/bookings/{receipt.BookingId}/cancel", null)).StatusCode);
        var packages = await member.Api.GetFromJsonAsync<List<ApiPurchase>>("/api/me/packages");
        Assert.Equal(20, packages!.Single(p => p.Id == pack).Periods.Single().Remaining);
        var bookings = await member.Api.GetFromJsonAsync<MemberBookingPage>("/api/me/bookings");
        Assert.Equal(BookingStatus.Cancelled, Assert.Single(bookings!.Items).Status);
    }

    [Fact]
    public async Task An_invited_member_declines_and_the_place_is_free_again()
    {
        var owner = await app.NewClientAsync("Dora", "Owner");
        var invitee = await app.NewMemberAsync("Dev", "Decliner");
        var pack = await app.SellAsync(ApiApp.FamilyPack, owner.Id, invitee.ClientId);
        var invitation = Assert.Single((await invitee.Api.GetFromJsonAsync<List<SharedWithMeView>>("/api/me/invitations"))!);

        var declined = await invitee.Api.PostAsync($"/api/me/invitations/{invitation.ShareId}/decline", null);
        var again = await invitee.Api.PostAsync($"/api/me/invitations/{invitation.ShareId}/accept", null);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict), (declined.StatusCode, again.StatusCode));
        Assert.Contains("This invitation was already declined.", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await invitee.Api.GetFromJsonAsync<List<SharedWithMeView>>("/api/me/invitations"))!);
        Assert.Equal(ShareStatus.Declined, await app.QueryAsync(db => db.PurchaseShares.Where(s => s.PurchaseId == pack).Select(s => s.Status).SingleAsync()));
    }

    public static TheoryData<string, string> Tampering() => new()
    {
        { "GET", "/api/me/packages/{pack}/sharing" },
        { "POST", "/api/me/packages/{pack}/shares" },
        { "GET", "/api/me/packages/{pack}/visits" },
        { "DELETE", "/api/me/shares/{acceptedShare}" },
        { "POST", "/api/me/invitations/{pendingShare}/accept" },
        { "POST", "/api/me/invitations/{pendingShare}/decline" },
        { "POST", "/api/me/bookings" },
        { "POST", "/api/me/bookings/{booking}/cancel" },
    };

    /// <summary>Another member puts someone else's ids into every member endpoint: 403, and nothing changes.</summary>
    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task A_member_who_changes_an_id_reaches_nobody_elses_data(string method, string path)
    {
        var victim = await app.NewMemberAsync("Vera", "Victim");
        var buddy = await app.NewMemberAsync("Ben", "Buddy");
        var invitee = await app.NewClientAsync("Iris", "Invitee");
        var mallory = await app.NewMemberAsync("Mallory", "Member");
        var pack = await app.SellAsync(ApiApp.FamilyPack, victim.ClientId, buddy.ClientId, invitee.Id);
        var session = await app.NewSessionAsync(4);
        var shares = await app.QueryAsync(db => db.PurchaseShares.Where(s => s.PurchaseId == pack).ToDictionaryAsync(s => s.ClientId, s => s.Id));
        await buddy.Api.PostAsync($"/api/me/invitations/{shares[buddy.ClientId]}/accept", null);
        var booking = (await (await BookAsync(buddy.Api, session, pack, null)).Content.ReadFromJsonAsync<BookingReceipt>())!.BookingId;
        var before = await StateOfAsync(pack);

        var url = path.Replace("{pack}", $"{pack}", StringComparison.Ordinal).Replace("{acceptedShare}", $"{shares[buddy.ClientId]}", StringComparison.Ordinal)
            .Replace("{pendingShare}", $"{shares[invitee.Id]}", StringComparison.Ordinal).Replace("{booking}", $"{booking}", StringComparison.Ordinal);
        object body = path == "/api/me/bookings" ? new { sessionId = session, purchaseId = pack } : new { emailOrBarcode = mallory.Barcode };
        var response = method switch
        {
            "GET" => await mallory.Api.GetAsync(url),
            "DELETE" => await mallory.Api.DeleteAsync(url),
            _ => await mallory.Api.PostAsJsonAsync(url, body),
        };

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await StateOfAsync(pack));
        Assert.Empty((await mallory.Api.GetFromJsonAsync<List<ApiPurchase>>("/api/me/packages"))!);
        Assert.Empty((await mallory.Api.GetFromJsonAsync<List<CreditSource>>($"/api/me/credit-sources?sessionId={session}"))!);
    }

    [Fact]
    public async Task Staff_tokens_cannot_act_as_a_member_and_member_tokens_cannot_use_staff_endpoints()
    {
        var staff = await app.AsAsync(DemoUsers.Staff);
        var maya = await app.AsAsync(DemoUsers.Maya);

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/me/packages")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await maya.GetAsync($"/api/clients/{await app.ClientIdAsync("CP100001")}/credits")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await maya.PostAsJsonAsync($"/api/purchases/{await app.PurchaseIdAsync("CP100001", "20-Class Family Pack")}/shares",
            new { clientId = await app.ClientIdAsync("CP100011") })).StatusCode);
    }

    private static Task<HttpResponseMessage> BookAsync(HttpClient api, int sessionId, int purchaseId, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/me/bookings") { Content = JsonContent.Create(new { sessionId, purchaseId }) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return api.SendAsync(request);
    }

    // The push notification lands in the feed when the outbox worker delivers it; wait for it, up to a deadline.
    private static async Task<NotificationView> WaitForNotificationAsync(HttpClient member)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (DateTime.UtcNow < deadline)
        {
            if ((await member.GetFromJsonAsync<List<NotificationView>>("/api/me/notifications"))!.FirstOrDefault() is { } first) return first;
            await timer.WaitForNextTickAsync();
        }
        throw new TimeoutException("No notification reached the member's feed.");
    }

    // Everything a tampering request could change on the victim's pack.
    private Task<string> StateOfAsync(int pack) => app.QueryAsync(async db =>
    {
        var shares = await db.PurchaseShares.Where(s => s.PurchaseId == pack).OrderBy(s => s.Id).Select(s => $"{s.ClientId}:{s.Status}").ToListAsync();
        var bookings = await db.Bookings.Where(b => b.PurchaseId == pack).OrderBy(b => b.Id).Select(b => $"{b.ClientId}:{b.Status}").ToListAsync();
        var ledger = await db.Ledger.CountAsync(l => l.PurchaseId == pack);
        return $"{string.Join(",", shares)} | {string.Join(",", bookings)} | {ledger}";
    });
}
