using System.Reflection;

namespace Verification.Samples.Tests;

/// <summary>Where the built samples and the CloudBase script are, as the build recorded them in this assembly.</summary>
internal static class Samples
{
    /// <summary>The built DLL of samples/Verification.Samples.WebApi.</summary>
    public static string WebApiDll => Metadata("Verification.Samples.WebApi");

    /// <summary>The built DLL of samples/Verification.Samples.Worker.</summary>
    public static string WorkerDll => Metadata("Verification.Samples.Worker");

    /// <summary>tests/cloudbase-compat in the source tree.</summary>
    public static string CloudBaseCompatDirectory => Metadata("CloudBaseCompatDirectory");

    /// <summary>The dotnet host that runs these tests, else the one on PATH.</summary>
    public static string DotNetHost
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
        }
    }

    private static string Metadata(string key)
    {
        var value = typeof(Samples).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
        Assert.False(string.IsNullOrEmpty(value), $"The build recorded no path for '{key}' (see Verification.Samples.Tests.csproj).");
        return value!;
    }

    /// <summary>Fails with a clear message when a built sample is missing.</summary>
    public static string RequireFile(string path)
    {
        Assert.True(File.Exists(path), $"{path} does not exist; build the solution first (dotnet build Verification.sln).");
        return path;
    }
}
