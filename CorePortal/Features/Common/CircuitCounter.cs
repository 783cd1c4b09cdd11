using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CorePortal.Features.Common;

/// <summary>Counts open Blazor circuits (one handler per circuit, as it is scoped).</summary>
public sealed class CircuitCounter(PortalMetrics metrics) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}
