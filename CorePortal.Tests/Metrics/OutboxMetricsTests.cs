using CorePortal.Features.Notifications;
using CorePortal.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CorePortal.Tests.Metrics;

public sealed class OutboxMetricsTests : IDisposable
{
    private readonly StudioBuilder _studio = new();
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("coreportal-mail-").FullName;

    [Fact]
    public async Task A_failed_attempt_is_counted_and_the_backlog_is_what_the_last_round_left()
    {
        await FamilyStudio.BuildAsync(_studio);
        using var recorded = new MeterRecorder(_studio.Meters);
        await _studio.SellAsync(_studio[FamilyStudio.FamilyPack], "Maya Chen", "Leo Chen", "Ivy Chen"); // an email and a push to each
        Assert.Equal(0, recorded["coreportal.outbox.pending"]); // no round has looked yet

        // No SMTP server listens on the port: both emails fail, both pushes go.
        Assert.Equal(2, await Delivery(port: FreePort()).DeliverDueAsync());

        Assert.Equal(2, recorded["coreportal.outbox.failures"]);
        Assert.Equal(2, recorded["coreportal.outbox.pending"]); // retried after their back-off
    }

    private OutboxDelivery Delivery(int port)
    {
        var options = Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = port, From = "Downtown Studio <studio@example.com>", PublicBaseUrl = "https://portal.example" });
        var mail = new MailSender(options, new HostingEnvironment { ContentRootPath = _contentRoot });
        return new OutboxDelivery(_studio.Db, mail, new FeedPushSender(_studio.Db, _studio.Clock), _studio.Clock, NullLogger<OutboxDelivery>.Instance, _studio.Metrics);
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _studio.Dispose();
        try { Directory.Delete(_contentRoot, recursive: true); } catch (IOException) { }
    }
}
