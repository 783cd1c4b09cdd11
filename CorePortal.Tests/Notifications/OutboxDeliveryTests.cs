using System.Text.RegularExpressions;
using CorePortal.Data;
using CorePortal.Features.Notifications;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CorePortal.Tests.Notifications;

public sealed partial class OutboxDeliveryTests : IAsyncLifetime
{
    private const string Message = "Maya Chen has shared 20-Class Family Pack with you for use at Downtown Studio.";
    private readonly StudioBuilder _studio = new();
    private readonly SmtpServerFixture _smtp = new();
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("coreportal-mail-").FullName;

    private OutboxDelivery Delivery(string? host = "127.0.0.1") => Delivery(new SmtpOptions { Host = host, Port = _smtp.Port });

    private OutboxDelivery Delivery(SmtpOptions smtp)
    {
        (smtp.From, smtp.PublicBaseUrl) = ("Downtown Studio <studio@example.com>", "https://portal.example");
        var mail = new MailSender(Options.Create(smtp), new HostingEnvironment { ContentRootPath = _contentRoot });
        return new OutboxDelivery(_studio.Db, mail, new FeedPushSender(_studio.Db, _studio.Clock), _studio.Clock, NullLogger<OutboxDelivery>.Instance, _studio.Metrics);
    }

    [Fact]
    public async Task The_invitation_email_reaches_a_real_smtp_server_with_the_exact_message_and_a_working_accept_link()
    {
        _smtp.Start();
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");

        Assert.Equal(2, await Delivery().DeliverDueAsync());

        var mail = Assert.Single(_smtp.Received());
        Assert.Equal("leo.chen@example.com", mail.To.Mailboxes.Single().Address);
        Assert.Equal("Maya Chen shared 20-Class Family Pack with you", mail.Subject);
        Assert.StartsWith(Message, mail.TextBody, StringComparison.Ordinal);
        var token = InvitationLink().Match(mail.TextBody ?? "").Groups[1].Value;
        Assert.NotEmpty(token);
        Assert.Equal(Message, Assert.Single((await new NotificationService(_studio.Db).FeedAsync(TestUsers.Staff, _studio["Leo Chen"])).Value!).Text);

        Assert.True((await _studio.Sharing.RespondByTokenAsync(token, accept: true)).Succeeded);
        Assert.Equal(ShareStatus.Accepted, (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!.Users.Single().Status);
    }

    [Fact]
    public async Task The_sale_commits_while_smtp_is_down_and_the_mail_goes_out_when_it_comes_back()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        var delivery = Delivery();

        Assert.Equal(1, await delivery.DeliverDueAsync()); // the push; the email fails
        var email = await EmailStateAsync();
        Assert.Equal((OutboxStatus.Pending, 1), (email.Status, email.Attempts));
        Assert.False(string.IsNullOrEmpty(email.LastError));
        Assert.Equal(_studio.Clock.Now.UtcDateTime.AddSeconds(30), email.NextAttemptAtUtc);
        var shown = (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!.Users.Single().Deliveries.Single(d => d.Channel == OutboxChannel.Email);
        Assert.Equal((OutboxStatus.Pending, 1), (shown.Status, shown.Attempts));

        _smtp.Start();
        Assert.Equal(0, await delivery.DeliverDueAsync()); // not due again before its back-off
        _studio.Clock.Now = _studio.Clock.Now.AddSeconds(31);
        Assert.Equal(1, await delivery.DeliverDueAsync());

        Assert.StartsWith(Message, Assert.Single(_smtp.Received()).TextBody, StringComparison.Ordinal);
        email = await EmailStateAsync();
        Assert.Equal((OutboxStatus.Sent, 2, null), (email.Status, email.Attempts, email.LastError));
    }

    [Fact]
    public async Task A_connection_dropped_mid_message_keeps_the_mail_in_the_outbox_and_it_goes_out_once_when_the_server_behaves()
    {
        _smtp.Start();
        _smtp.DropsConnections = true;
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        var delivery = Delivery();

        Assert.Equal(1, await delivery.DeliverDueAsync()); // the push; the server takes the email, then hangs up before answering
        var email = await EmailStateAsync();
        Assert.Equal((OutboxStatus.Pending, 1), (email.Status, email.Attempts));
        Assert.False(string.IsNullOrEmpty(email.LastError));
        Assert.Empty(_smtp.Received());

        _smtp.DropsConnections = false;
        _studio.Clock.Now = _studio.Clock.Now.AddSeconds(31);
        Assert.Equal(1, await delivery.DeliverDueAsync());
        Assert.Equal(0, await delivery.DeliverDueAsync());

        Assert.StartsWith(Message, Assert.Single(_smtp.Received()).TextBody, StringComparison.Ordinal);
        email = await EmailStateAsync();
        Assert.Equal((OutboxStatus.Sent, 2, null), (email.Status, email.Attempts, email.LastError));
    }

    [Fact]
    public async Task With_credentials_a_server_without_TLS_gets_neither_the_credentials_nor_the_mail_which_stays_in_the_outbox()
    {
        using var server = new SmtpServerFixture { OffersPlainAuth = true };
        server.Start();
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        var smtp = new SmtpOptions { Host = "127.0.0.1", Port = server.Port, UserName = "studio-mailer", Password = "secret" };

        Assert.Equal(1, await Delivery(smtp).DeliverDueAsync()); // the push only

        var email = await EmailStateAsync();
        Assert.Equal((OutboxStatus.Pending, 1), (email.Status, email.Attempts));
        Assert.Contains("offers no TLS", email.LastError, StringComparison.Ordinal);
        Assert.Contains("Smtp:TrustedNetwork", email.LastError, StringComparison.Ordinal);
        Assert.Empty(server.Logins());
        Assert.Empty(server.Received());
        Assert.Contains("only over TLS", new MailSender(Options.Create(smtp), new HostingEnvironment()).StartupWarning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_trusted_network_the_credentials_and_the_mail_go_without_TLS_and_start_up_warns_of_it()
    {
        using var server = new SmtpServerFixture { OffersPlainAuth = true };
        server.Start();
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        var smtp = new SmtpOptions { Host = "127.0.0.1", Port = server.Port, UserName = "studio-mailer", Password = "secret", TrustedNetwork = true };

        Assert.Equal(2, await Delivery(smtp).DeliverDueAsync());

        Assert.Equal(["studio-mailer"], server.Logins());
        Assert.StartsWith(Message, Assert.Single(server.Received()).TextBody, StringComparison.Ordinal);
        Assert.Contains("Smtp:TrustedNetwork is on", new MailSender(Options.Create(smtp), new HostingEnvironment()).StartupWarning, StringComparison.Ordinal);
        Assert.Null(new MailSender(Options.Create(new SmtpOptions { Host = "127.0.0.1" }), new HostingEnvironment()).StartupWarning);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_marked_failed_after_the_last_attempt()
    {
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        var delivery = Delivery();
        for (var i = 0; i < OutboxDelivery.MaxAttempts; i++)
        {
            await delivery.DeliverDueAsync();
            _studio.Clock.Now = _studio.Clock.Now.AddHours(2);
        }
        var email = await EmailStateAsync();
        Assert.Equal((OutboxStatus.Failed, OutboxDelivery.MaxAttempts), (email.Status, email.Attempts));
    }

    [Fact]
    public async Task Without_an_smtp_host_each_mail_is_written_to_the_pickup_folder()
    {
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen");

        Assert.Equal(4, await Delivery(host: null).DeliverDueAsync());

        var files = Directory.GetFiles(Path.Combine(_contentRoot, "App_Data", "mail-pickup"), "*.eml");
        var recipients = files.Select(f => MimeKit.MimeMessage.Load(f)).Select(m => (m.To.Mailboxes.Single().Address, (m.TextBody ?? "").StartsWith(Message, StringComparison.Ordinal))).Order().ToList();
        Assert.Equal([("ivy.chen@example.com", true), ("leo.chen@example.com", true)], recipients);
    }

    [Fact]
    public async Task Two_workers_delivering_at_once_send_each_mail_once()
    {
        _smtp.Start();
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen");

        var sent = await Task.WhenAll(Delivery().DeliverDueAsync(), Delivery().DeliverDueAsync());

        Assert.Equal(4, sent.Sum());
        Assert.Equal(2, _smtp.Received().Count);
    }

    [Fact]
    public async Task An_invitation_answered_before_its_email_leaves_is_not_sent()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen");
        var shareId = (await _studio.Queries.PurchaseAsync(TestUsers.Staff, purchaseId)).Value!.Users.Single().ShareId;
        await _studio.Sharing.AcceptAsync(TestUsers.Staff, shareId);
        _smtp.Start();

        await Delivery().DeliverDueAsync();

        Assert.Empty(_smtp.Received());
        Assert.Equal(OutboxStatus.Cancelled, (await EmailStateAsync()).Status);
    }

    private async Task<OutboxMessage> EmailStateAsync()
    {
        await using var db = _studio.Db.CreateDbContext();
        return await db.Outbox.AsNoTracking().SingleAsync(m => m.Channel == OutboxChannel.Email);
    }

    [GeneratedRegex(@"https://portal\.example/invitations/([A-Za-z0-9_-]+)")]
    private static partial Regex InvitationLink();

    public async ValueTask InitializeAsync() => await FamilyStudio.BuildAsync(_studio);

    public ValueTask DisposeAsync()
    {
        _smtp.Dispose();
        _studio.Dispose();
        try { Directory.Delete(_contentRoot, recursive: true); } catch (IOException) { } // best effort on a temp folder
        return ValueTask.CompletedTask;
    }
}
