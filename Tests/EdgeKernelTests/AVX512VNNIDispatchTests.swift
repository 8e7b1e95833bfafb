import CEdgeKernels
import Foundation
import Testing

/// The avx512vnni table is offered exactly on CPUs that run it: AVX512F, BW, VL and VNNI, with the
/// OS saving opmask and ZMM state. Linux lists a flag in /proc/cpuinfo only when both hold, so the
/// kernel's own view is the independent witness of the cpuid + XGETBV probe. (Its bit-exactness is
/// checked under SIMDe emulation by tools/test.d/11-avx512-kernels-simde, and natively by
/// KernelTableEquivalenceTests on a CPU that has it.)
@Suite struct AVX512VNNIDispatchTests {
    static func cpuinfoFlags() throws -> Set<Substring> {
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("flags") })
        return Set(line.split(separator: " "))
    }

    #if arch(x86_64) && os(Linux)
    @Test func offeredExactlyWhenTheCPUAndOSSupportIt() throws {
        let flags = try Self.cpuinfoFlags()
        let capable = ["avx512f", "avx512bw", "avx512vl", "avx512_vnni"].allSatisfy { flags.contains(Substring($0)) }
        let table = edge_kernels_select("avx512vnni")
        #expect((table != nil) == capable, "cpuinfo says AVX-512 VNNI \(capable ? "present" : "absent")")
        if let table {
            #expect(String(cString: table.pointee.name) == "avx512vnni")
            #expect(edge_kernels_select(nil) == table, "avx512vnni ranks first where it runs")
        } else {
            #expect(String(cString: try #require(edge_kernels_select(nil)).pointee.name) != "avx512vnni")
        }
    }
    #endif
}
