import CacheAssembly
import XCTest
