using System.Text.RegularExpressions;
using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Features.Common;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sales;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CorePortal.Tests.Sharing;

/// <summary>
/// What SQLite's one-writer-at-a-time gave for free, proven on PostgreSQL, where writers run at once: requests start together
/// behind a gate, through the app's services, and the invariant holds after every round (several rounds, so the requests
/// really overlap in some of them).
/// </summary>
[Trait("Engine", "Postgres")]
public sealed partial class PostgresSharingConcurrencyTests : IAsyncLifetime
{
    private const int Rounds = 8;
    private readonly TestDatabase _database = new(DatabaseEngine.Postgres);
    private readonly StudioBuilder _studio;
    private readonly string _mailRoot = Directory.CreateTempSubdirectory("coreportal-pg-mail-").FullName;

    public PostgresSharingConcurrencyTests() => _studio = new StudioBuilder(_database, FixedClock.At(2026, 3, 2));

    [Fact]
    public async Task Two_invitations_at_once_for_the_last_place_one_wins_and_the_other_hears_the_limit()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen"); // 2 of 3 places

            var results = await AllAtOnce.RunAsync(
                () => _studio.Sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Noah Park"]),
                () => _studio.Sharing.AddShareAsync(TestUsers.Staff, purchaseId, _studio["Zoe Park"]));

            Assert.Single(results, r => r.Succeeded);
            var refused = Assert.Single(results, r => !r.Succeeded);
            Assert.Equal(Outcome.Conflict, refused.Outcome);
            Assert.Equal("All 3 sharing places are taken. Remove someone to free a place.", refused.Message);
            Assert.Equal(3, await CountAsync(db => db.PurchaseShares.CountAsync(s => s.PurchaseId == purchaseId && s.Status == ShareStatus.Pending)));
        }
    }

    [Fact]
    public async Task Two_checkouts_at_once_with_one_request_key_make_one_sale_and_the_other_is_its_replay()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var key = $"sale-{round}-{Guid.NewGuid():N}";
            var request = new SaleRequest(_studio[FamilyStudio.FamilyPack], _studio["Maya Chen"], [_studio["Leo Chen"]]);

            var results = await AllAtOnce.RunAsync(
                () => _studio.Sales.CheckoutAsync(TestUsers.Staff, request, key),
                () => _studio.Sales.CheckoutAsync(TestUsers.Staff, request, key));

            Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
            Assert.Single(results, r => r.Value!.Replayed);
            Assert.Single(results.Select(r => r.Value!.PurchaseId).Distinct());
            Assert.All(results, r => Assert.Equal("Leo Chen", Assert.Single(r.Value!.SharedWith)));
            Assert.Equal(1, await CountAsync(db => db.Purchases.CountAsync(p => p.RequestKey == key)));
            Assert.Equal(1, await CountAsync(db => db.PurchaseShares.CountAsync(s => s.Purchase!.RequestKey == key)));
        }
    }

    [Fact]
    public async Task Two_new_clients_at_once_with_one_request_key_add_one_client()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var key = $"client-{round}-{Guid.NewGuid():N}";
            var input = new ClientInput { FirstName = "Ada", LastName = $"Race{round}", Email = "ada@example.com", Phone = "555-0100", HomeLocationId = _studio.Location.Id };

            var results = await AllAtOnce.RunAsync(
                () => _studio.ClientEdit.CreateAsync(TestUsers.Staff, input, key),
                () => _studio.ClientEdit.CreateAsync(TestUsers.Staff, input, key));

            Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
            Assert.Single(results, r => r.Value!.Replayed);
            Assert.Single(results.Select(r => r.Value!.Id).Distinct());
            Assert.Equal(1, await CountAsync(db => db.Clients.CountAsync(c => c.LastName == $"Race{round}")));
        }
    }

    [Fact]
    public async Task An_invitation_accepted_twice_at_once_is_answered_once()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var shareId = await PendingShareAsync();

            var results = await AllAtOnce.RunAsync(
                () => _studio.Sharing.AcceptAsync(TestUsers.Staff, shareId),
                () => _studio.Sharing.AcceptAsync(TestUsers.Staff, shareId));

            Assert.Single(results, r => r.Succeeded);
            Assert.Equal("This invitation was already accepted.", Assert.Single(results, r => !r.Succeeded).Message);
            Assert.Equal(1, await AnswersAsync(shareId));
        }
    }

    [Fact]
    public async Task An_accept_racing_a_decline_leaves_the_answer_that_won()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var shareId = await PendingShareAsync();

            var results = await AllAtOnce.RunAsync(
                () => _studio.Sharing.AcceptAsync(TestUsers.Staff, shareId),
                () => _studio.Sharing.DeclineAsync(TestUsers.Staff, shareId));

            Assert.Single(results, r => r.Succeeded);
            Assert.Equal(Outcome.Conflict, Assert.Single(results, r => !r.Succeeded).Outcome);
            var status = await CountAsync(db => db.PurchaseShares.Where(s => s.Id == shareId).Select(s => s.Status).SingleAsync());
            Assert.Equal(results[0].Succeeded ? ShareStatus.Accepted : ShareStatus.Declined, status);
            Assert.Equal(1, await AnswersAsync(shareId));
        }
    }

    [Fact]
    public async Task An_accept_racing_a_removal_never_revives_the_removed_share()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var shareId = await PendingShareAsync();

            var results = await AllAtOnce.RunAsync(
                () => _studio.Sharing.AcceptAsync(TestUsers.Staff, shareId),
                () => _studio.Sharing.RemoveAsync(TestUsers.Staff, shareId));

            Assert.True(results[1].Succeeded, results[1].Message); // a pending or an accepted share can be removed
            Assert.Equal(ShareStatus.Removed, await CountAsync(db => db.PurchaseShares.Where(s => s.Id == shareId).Select(s => s.Status).SingleAsync()));
        }
    }

    [Fact]
    public async Task An_invitation_link_used_twice_at_once_works_once()
    {
        var delivery = Delivery();
        var used = new HashSet<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var shareId = await PendingShareAsync();
            await delivery.DeliverDueAsync();
            var token = Assert.Single(Mails().Select(m => InvitationLink().Match(m.TextBody ?? "").Groups[1].Value), t => !used.Contains(t));
            used.Add(token);

            var results = await AllAtOnce.RunAsync(
                () => _studio.Sharing.RespondByTokenAsync(token, accept: true),
                () => _studio.Sharing.RespondByTokenAsync(token, accept: round % 2 == 0));

            Assert.Single(results, r => r.Succeeded);
            Assert.Equal(Outcome.NotFound, Assert.Single(results, r => !r.Succeeded).Outcome);
            Assert.Equal(1, await AnswersAsync(shareId));
        }
    }

    [Fact]
    public async Task Two_outbox_workers_on_one_database_send_each_mail_once()
    {
        for (var round = 0; round < 4; round++)
            await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen", "Noah Park");
        var emails = await CountAsync(db => db.Outbox.CountAsync(m => m.Channel == OutboxChannel.Email));
        var all = await CountAsync(db => db.Outbox.CountAsync());
        Assert.Equal(12, emails);

        // Two servers' workers: their own sender and delivery, one database. Each delivers what is due now, over and over.
        var (first, second) = (Delivery(), Delivery());
        var sent = await AllAtOnce.RunAsync(() => DrainAsync(first), () => DrainAsync(second));

        Assert.Equal(all, sent.Sum());
        var mails = Mails();
        Assert.Equal(emails, mails.Count);
        Assert.Equal(emails, mails.Select(m => InvitationLink().Match(m.TextBody ?? "").Value).Distinct().Count());
        Assert.Equal(all, await CountAsync(db => db.Outbox.CountAsync(m => m.Status == OutboxStatus.Sent && m.Attempts == 1)));
    }

    private static async Task<int> DrainAsync(OutboxDelivery delivery)
    {
        var total = 0;
        for (var i = 0; i < 3; i++) total += await delivery.DeliverDueAsync();
        return total;
    }

    private async Task<int> PendingShareAsync()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        return await CountAsync(db => db.PurchaseShares.Where(s => s.PurchaseId == purchaseId).Select(s => s.Id).SingleAsync());
    }

    private Task<int> AnswersAsync(int shareId) => CountAsync(async db =>
    {
        var purchaseId = await db.PurchaseShares.Where(s => s.Id == shareId).Select(s => s.PurchaseId).SingleAsync();
        return await db.PurchaseHistory.CountAsync(h => h.PurchaseId == purchaseId && (h.Text == "Leo Chen accepted the invitation." || h.Text == "Leo Chen declined the invitation."));
    });

    private async Task<T> CountAsync<T>(Func<CoreDbContext, Task<T>> query)
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        return await query(db);
    }

    private OutboxDelivery Delivery()
    {
        var options = Options.Create(new SmtpOptions { Host = null, PickupFolder = Path.Combine(_mailRoot, "pickup"), PublicBaseUrl = "https://portal.example" });
        var mail = new MailSender(options, new HostingEnvironment { ContentRootPath = _mailRoot });
        return new OutboxDelivery(_studio.Db, mail, new FeedPushSender(_studio.Db, _studio.Clock), _studio.Clock, NullLogger<OutboxDelivery>.Instance, _studio.Metrics);
    }

    private List<MimeKit.MimeMessage> Mails()
    {
        var folder = Path.Combine(_mailRoot, "pickup");
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Select(f => MimeKit.MimeMessage.Load(f))] : [];
    }

    [GeneratedRegex(@"https://portal\.example/invitations/([A-Za-z0-9_-]+)")]
    private static partial Regex InvitationLink();

    public async ValueTask InitializeAsync() => await FamilyStudio.BuildAsync(_studio);

    public ValueTask DisposeAsync()
    {
        _studio.Dispose();
        _database.Dispose();
        try { Directory.Delete(_mailRoot, recursive: true); } catch (IOException) { } // best effort on a temp folder
        return ValueTask.CompletedTask;
    }
}
