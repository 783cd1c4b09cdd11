using System.Diagnostics.Metrics;
using CorePortal.Features.Common;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Metrics;

public sealed class CircuitCounterMetricsTests
{
    [Fact]
    public async Task Circuits_count_up_when_opened_and_down_when_closed()
    {
        await using var services = new ServiceCollection().AddMetrics().AddSingleton<PortalMetrics>().BuildServiceProvider();
        using var recorded = new MeterRecorder(services.GetRequiredService<IMeterFactory>());
        var counter = new CircuitCounter(services.GetRequiredService<PortalMetrics>());
        var ct = TestContext.Current.CancellationToken;

        await counter.OnCircuitOpenedAsync(null!, ct); // the counter never looks at the circuit
        await counter.OnCircuitOpenedAsync(null!, ct);
        await counter.OnCircuitClosedAsync(null!, ct);

        Assert.Equal(1, recorded["coreportal.circuits.open"]);
    }
}
