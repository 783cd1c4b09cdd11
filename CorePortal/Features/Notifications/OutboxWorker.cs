namespace CorePortal.Features.Notifications;

/// <summary>Lets a service wake the outbox worker after it commits, instead of waiting for the next poll.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Poke()
    {
        try { _signal.Release(); } catch (SemaphoreFullException) { } // already poked
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    public void Dispose() => _signal.Dispose();
}

/// <summary>Runs the outbox: delivers what is due, then sleeps until poked or the next poll.</summary>
public sealed class OutboxWorker(IServiceScopeFactory scopes, OutboxSignal signal, MailSender mail, ILogger<OutboxWorker> log) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (mail.StartupWarning is { } warning) log.LogWarning("{SmtpWarning}", warning);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                log.LogError(ex, "The outbox worker failed; trying again at the next poll");
            }
            try { await signal.WaitAsync(PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
