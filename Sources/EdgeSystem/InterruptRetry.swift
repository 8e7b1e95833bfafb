/// Runs `call` (a C system call returning -1 and setting errno on failure) until it does not fail with
/// `EINTR`; a signal delivered during a blocking call is not an error for any caller in this project.
/// - Returns: the call's non-failing result.
/// - Throws: `SystemError` for any other errno.
@inline(__always)
public func retryingOnInterrupt<Result: BinaryInteger>(
    _ operation: @autoclosure () -> String, errno currentErrno: () -> Errno = { Errno.current },
    _ call: () -> Result
) throws -> Result {
    while true {
        let result = call()
        if result != -1 { return result }
        let error = currentErrno()
        if error == .interrupted { continue }
        throw SystemError(error, operation: operation())
    }
}
