using System.Net;
using CorePortal.Features.Common;
using Microsoft.Extensions.Configuration;

namespace CorePortal.Tests.Metrics;

public sealed class MetricsAccessTests
{
    private static readonly IPNetwork[] TenNet = [IPNetwork.Parse("10.0.0.0/8")];

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Loopback_callers_are_allowed_with_no_networks_configured(string caller) =>
        Assert.True(MetricsAccess.IsAllowed(IPAddress.Parse(caller), []));

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("10.255.1.2", true)]
    [InlineData("::ffff:10.1.2.3", true)] // an IPv4 caller on a dual-stack socket
    [InlineData("11.0.0.1", false)]
    [InlineData("192.168.1.5", false)]
    [InlineData("::ffff:192.168.1.5", false)]
    [InlineData("2001:db8::1", false)]
    public void Other_callers_are_allowed_only_inside_a_configured_network(string caller, bool allowed) =>
        Assert.Equal(allowed, MetricsAccess.IsAllowed(IPAddress.Parse(caller), TenNet));

    [Fact]
    public void A_caller_without_an_address_is_refused() => Assert.False(MetricsAccess.IsAllowed(null, TenNet));

    [Fact]
    public void Networks_are_read_from_configuration_and_a_malformed_one_is_refused()
    {
        static IConfiguration Config(params string[] networks) => new ConfigurationBuilder()
            .AddInMemoryCollection(networks.Select((n, i) => KeyValuePair.Create($"{MetricsAccess.Section}:{i}", (string?)n))).Build();

        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")], MetricsAccess.Networks(Config("10.0.0.0/8", " fd00::/8 ")));
        Assert.Empty(MetricsAccess.Networks(Config()));
        Assert.Throws<InvalidOperationException>(() => MetricsAccess.Networks(Config("10.0.0.0/33")));
        Assert.Throws<InvalidOperationException>(() => MetricsAccess.Networks(Config("intranet")));
    }
}
