//! The host objects a VST3 plugin calls back into: an `IComponentHandler` that records restart
//! requests, an in-memory `IBStream` for state, and `IParameterChanges` with one
//! `IParamValueQueue` per parameter for automation within a `process` call.

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::Mutex;

use vst3::Steinberg::IBStream_::IStreamSeekMode_::{kIBSeekCur, kIBSeekEnd, kIBSeekSet};
use vst3::Steinberg::Vst::{
    IComponentHandler, IComponentHandlerTrait, IParamValueQueue, IParamValueQueueTrait,
    IParameterChanges, IParameterChangesTrait,
};
use vst3::Steinberg::{kInvalidArgument, kResultOk, tresult, IBStream, IBStreamTrait};
use vst3::{Class, ComWrapper};

/// The host's `IComponentHandler`: accepts edits and records `restartComponent` flags (nice-plug
/// may call it from its own thread).
#[derive(Default)]
pub struct RestartRecorder {
    /// Flags of every `restartComponent` call.
    flags: Mutex<Vec<i32>>,
}

impl RestartRecorder {
    /// Flags of every `restartComponent` call so far.
    pub fn flags(&self) -> Vec<i32> {
        self.flags.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Class for RestartRecorder {
    type Interfaces = (IComponentHandler,);
}

impl IComponentHandlerTrait for RestartRecorder {
    unsafe fn beginEdit(&self, _id: u32) -> tresult {
        kResultOk
    }

    unsafe fn performEdit(&self, _id: u32, _value: f64) -> tresult {
        kResultOk
    }

    unsafe fn endEdit(&self, _id: u32) -> tresult {
        kResultOk
    }

    unsafe fn restartComponent(&self, flags: i32) -> tresult {
        self.flags
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(flags);
        kResultOk
    }
}

/// An in-memory `IBStream`.
pub struct MemoryStream {
    /// The bytes.
    pub data: RefCell<Vec<u8>>,
    /// Read/write position.
    position: Cell<usize>,
}

impl MemoryStream {
    /// A stream over `data`, positioned at its start.
    pub fn new(data: Vec<u8>) -> Self {
        Self {
            data: RefCell::new(data),
            position: Cell::new(0),
        }
    }
}

impl Class for MemoryStream {
    type Interfaces = (IBStream,);
}

impl IBStreamTrait for MemoryStream {
    unsafe fn read(&self, buffer: *mut c_void, num_bytes: i32, num_read: *mut i32) -> tresult {
        let Ok(wanted) = usize::try_from(num_bytes) else {
            return kInvalidArgument;
        };
        let data = self.data.borrow();
        let start = self.position.get().min(data.len());
        let count = wanted.min(data.len() - start);
        // SAFETY: the IBStream contract: `buffer` holds at least `num_bytes` writable bytes and
        // `count <= num_bytes`; it cannot overlap `data`, which this stream owns.
        unsafe { std::ptr::copy_nonoverlapping(data[start..].as_ptr(), buffer as *mut u8, count) };
        self.position.set(start + count);
        if !num_read.is_null() {
            // SAFETY: a non-null `num_read` points to an `i32` the caller owns.
            unsafe { *num_read = count as i32 };
        }
        kResultOk
    }

    unsafe fn write(&self, buffer: *mut c_void, num_bytes: i32, num_written: *mut i32) -> tresult {
        let Ok(count) = usize::try_from(num_bytes) else {
            return kInvalidArgument;
        };
        // SAFETY: the IBStream contract: `buffer` holds `num_bytes` readable bytes, which stay
        // alive and unchanged for this call.
        let bytes = unsafe { std::slice::from_raw_parts(buffer as *const u8, count) };
        let mut data = self.data.borrow_mut();
        let start = self.position.get();
        if data.len() < start + count {
            data.resize(start + count, 0);
        }
        data[start..start + count].copy_from_slice(bytes);
        self.position.set(start + count);
        if !num_written.is_null() {
            // SAFETY: a non-null `num_written` points to an `i32` the caller owns.
            unsafe { *num_written = num_bytes };
        }
        kResultOk
    }

    // The seek modes are `c_int` on Windows and `c_uint` elsewhere.
    #[allow(clippy::unnecessary_cast)]
    unsafe fn seek(&self, pos: i64, mode: i32, result: *mut i64) -> tresult {
        let base = match mode as u32 {
            m if m == kIBSeekSet as u32 => 0,
            m if m == kIBSeekCur as u32 => self.position.get() as i64,
            m if m == kIBSeekEnd as u32 => self.data.borrow().len() as i64,
            _ => return kInvalidArgument,
        };
        let Ok(new_position) = usize::try_from(base + pos) else {
            return kInvalidArgument;
        };
        self.position.set(new_position);
        if !result.is_null() {
            // SAFETY: a non-null `result` points to an `i64` the caller owns.
            unsafe { *result = new_position as i64 };
        }
        kResultOk
    }

    unsafe fn tell(&self, pos: *mut i64) -> tresult {
        if pos.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: `pos` is not null (checked above) and points to an `i64` the caller owns.
        unsafe { *pos = self.position.get() as i64 };
        kResultOk
    }
}

/// The changes of one parameter within one block.
pub struct ParamQueue {
    /// Parameter ID.
    id: u32,
    /// (sample offset, normalized value), in time order.
    points: RefCell<Vec<(i32, f64)>>,
}

impl Class for ParamQueue {
    type Interfaces = (IParamValueQueue,);
}

impl IParamValueQueueTrait for ParamQueue {
    unsafe fn getParameterId(&self) -> u32 {
        self.id
    }

    unsafe fn getPointCount(&self) -> i32 {
        self.points.borrow().len() as i32
    }

    unsafe fn getPoint(&self, index: i32, offset: *mut i32, value: *mut f64) -> tresult {
        let points = self.points.borrow();
        match usize::try_from(index).ok().and_then(|i| points.get(i)) {
            Some(&(point_offset, point_value)) if !offset.is_null() && !value.is_null() => {
                // SAFETY: both are not null (checked by the guard) and point to values the
                // caller owns, as IParamValueQueue::getPoint requires.
                unsafe {
                    *offset = point_offset;
                    *value = point_value;
                }
                kResultOk
            }
            _ => kInvalidArgument,
        }
    }

    unsafe fn addPoint(&self, offset: i32, value: f64, index: *mut i32) -> tresult {
        let mut points = self.points.borrow_mut();
        points.push((offset, value));
        if !index.is_null() {
            // SAFETY: a non-null `index` points to an `i32` the caller owns.
            unsafe { *index = points.len() as i32 - 1 };
        }
        kResultOk
    }
}

/// The parameter changes of one block, one queue per parameter.
pub struct ParamChanges {
    /// The queues; `getParameterData` lends pointers into them.
    queues: RefCell<Vec<ComWrapper<ParamQueue>>>,
}

impl ParamChanges {
    /// Changes `(id, sample offset, normalized value)`, in time order per parameter.
    pub fn new(changes: &[(u32, i32, f64)]) -> ComWrapper<Self> {
        let this = ComWrapper::new(Self {
            queues: RefCell::new(Vec::new()),
        });
        for &(id, offset, value) in changes {
            // SAFETY: our own implementation; the pointers are live locals.
            unsafe {
                let queue = this.addParameterData(&id, null_mut());
                let queue = vst3::ComRef::from_raw(queue).expect("queue");
                queue.addPoint(offset, value, null_mut());
            }
        }
        this
    }
}

impl Class for ParamChanges {
    type Interfaces = (IParameterChanges,);
}

impl IParameterChangesTrait for ParamChanges {
    unsafe fn getParameterCount(&self) -> i32 {
        self.queues.borrow().len() as i32
    }

    unsafe fn getParameterData(&self, index: i32) -> *mut IParamValueQueue {
        let queues = self.queues.borrow();
        match usize::try_from(index).ok().and_then(|i| queues.get(i)) {
            Some(queue) => queue
                .as_com_ref::<IParamValueQueue>()
                .expect("interface")
                .as_ptr(),
            None => null_mut(),
        }
    }

    unsafe fn addParameterData(&self, id: *const u32, index: *mut i32) -> *mut IParamValueQueue {
        if id.is_null() {
            return null_mut();
        }
        // SAFETY: `id` is not null (checked above) and points to the caller's parameter ID.
        let id = unsafe { *id };
        let mut queues = self.queues.borrow_mut();
        let position = match queues.iter().position(|q| q.id == id) {
            Some(position) => position,
            None => {
                queues.push(ComWrapper::new(ParamQueue {
                    id,
                    points: RefCell::new(Vec::new()),
                }));
                queues.len() - 1
            }
        };
        if !index.is_null() {
            // SAFETY: a non-null `index` points to an `i32` the caller owns.
            unsafe { *index = position as i32 };
        }
        queues[position]
            .as_com_ref::<IParamValueQueue>()
            .expect("interface")
            .as_ptr()
    }
}
