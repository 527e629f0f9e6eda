using System.Net;
using System.Net.Sockets;
using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>The tcp and http probes against real listeners the tests start and stop.</summary>
public sealed class NetworkProbeTests : HealthBedTests
{
    [Fact]
    public async Task ATcpProbeIsGoodWhileSomethingListensAndCriticalOnceItStops()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string probe = $$"""{ "type": "tcp", "host": "127.0.0.1", "port": {{port}}, "timeoutSeconds": 30 }""";
        try
        {
            var open = await Bed.ProbeAsync(probe);
            Assert.Equal(HealthLevel.Good, open.Level);
            Assert.Equal($"tcp 127.0.0.1:{port}", open.Probe);
            Assert.Contains($"connected to 127.0.0.1:{port}", open.Detail);
        }
        finally
        {
            listener.Stop();
        }
        var closed = await Bed.ProbeAsync(probe);
        Assert.Equal(HealthLevel.Critical, closed.Level);
        Assert.Equal(TriggerKind.ServiceFailure, closed.Trigger);
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", closed.Detail);
        Assert.Contains("refused", closed.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnHttpProbeIsGoodOn200CriticalOn500AndCriticalWhenTheServerIsGone()
    {
        var server = new TinyHttpServer();
        int port = server.Port;
        string url = $"http://127.0.0.1:{port}/health?deep=1";
        string probe = $$"""{ "type": "http", "url": "{{url}}", "timeoutSeconds": 30 }""";
        try
        {
            var ok = await Bed.ProbeAsync(probe);
            Assert.Equal(HealthLevel.Good, ok.Level);
            Assert.Equal($"http {url}", ok.Probe);
            Assert.Equal("answered 200 OK", ok.Detail);

            server.StatusLine = "HTTP/1.1 500 Internal Server Error";
            var failing = await Bed.ProbeAsync(probe);
            Assert.Equal(HealthLevel.Critical, failing.Level);
            Assert.Contains("answered 500 Internal Server Error", failing.Detail);
        }
        finally
        {
            server.Dispose();
        }
        var gone = await Bed.ProbeAsync(probe);
        Assert.Equal(HealthLevel.Critical, gone.Level);
        Assert.Contains($"cannot reach 127.0.0.1:{port}", gone.Detail);
    }

    [Fact]
    public async Task TheRequestIsAnHttp11GetWithHostAndConnectionClose()
    {
        using var server = new TinyHttpServer();
        await Bed.ProbeAsync($$"""{ "type": "http", "url": "http://127.0.0.1:{{server.Port}}/a%20b?x=1", "timeoutSeconds": 30 }""");
        string request = Assert.Single(server.Requests);
        string[] lines = request.Split("\r\n");
        Assert.Equal("GET /a%20b?x=1 HTTP/1.1", lines[0]);
        Assert.Contains($"Host: 127.0.0.1:{server.Port}", lines);
        Assert.Contains("Connection: close", lines);
    }

    [Theory]
    [InlineData("HTTP/1.0 204 No Content", HealthLevel.Good)]
    [InlineData("HTTP/1.1 301 Moved Permanently", HealthLevel.Warning)]
    [InlineData("HTTP/1.1 404 Not Found", HealthLevel.Warning)]
    [InlineData("SSH-2.0-OpenSSH_9.2", HealthLevel.Warning)]
    public async Task OnlyA2xxStatusIsGoodAndAFailureReportsTheConfiguredLevel(string statusLine, HealthLevel expected)
    {
        using var server = new TinyHttpServer { StatusLine = statusLine };
        var result = await Bed.ProbeAsync($$"""{ "type": "http", "url": "http://127.0.0.1:{{server.Port}}/", "level": "Warning", "timeoutSeconds": 30 }""");
        Assert.Equal(expected, result.Level);
        if (statusLine.StartsWith("SSH", StringComparison.Ordinal))
            Assert.Contains("the answer is not HTTP", result.Detail);
    }

    [Fact]
    public async Task AServerThatAcceptsButNeverAnswersFailsAtTheTimeout()
    {
        using var server = new TinyHttpServer { StatusLine = null };
        var result = await Bed.ProbeAsync($$"""{ "type": "http", "url": "http://127.0.0.1:{{server.Port}}/", "timeoutSeconds": 1 }""");
        Assert.Equal(HealthLevel.Critical, result.Level);
        Assert.Equal("no answer within 1 s", result.Detail);
    }

    [Fact]
    public void TheStatusLineAloneDecides()
    {
        Assert.Equal(HealthLevel.Good, HttpProbe.Verdict("HTTP/1.1 200").Level);
        Assert.Null(HttpProbe.Verdict("HTTP/1.1 503 Service Unavailable").Level);
        Assert.Null(HttpProbe.Verdict("HTTP/1.1 2000 OK").Level);
        Assert.Contains("closed the connection without answering", HttpProbe.Verdict(null).Detail);
    }
}
