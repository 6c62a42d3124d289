//! A small VST3 host on the `vst3` bindings: the module (the same cdylib exports
//! `GetPluginFactory`; `ModuleEntry`/`ModuleExit` on Linux) and one plugin instance with the
//! calls the tests make.

// The VST3 enum constants are `c_int` on Windows and `c_uint` elsewhere, and `c_char` is
// unsigned on aarch64 Linux: each cast here is needed on some target and a no-op on others.
#![allow(clippy::unnecessary_cast)]

use std::ffi::{c_char, c_void};
use std::marker::PhantomData;
use std::ptr::null_mut;
use std::sync::Mutex;

use vst3::Steinberg::Vst::{
    AudioBusBuffers, AudioBusBuffers__type0, BusDirections_, IAudioProcessor, IAudioProcessorTrait,
    IComponent, IComponentHandler, IComponentTrait, IEditController, IEditControllerTrait,
    IParameterChanges, MediaTypes_, ParameterInfo, ProcessData, ProcessModes_, ProcessSetup,
    RestartFlags_, SpeakerArr, SymbolicSampleSizes_,
};
use vst3::Steinberg::{
    kResultOk, tresult, FIDString, IBStream, IPluginBaseTrait, IPluginFactory, IPluginFactoryTrait,
    TUID,
};
use vst3::{ComPtr, ComWrapper, Interface};

use super::vst3_objects::{MemoryStream, ParamChanges, RestartRecorder};

/// Hosts that entered the module and have not exited it yet.
static MODULE_USERS: Mutex<usize> = Mutex::new(0);

/// The loaded VST3 module: `ModuleEntry` on open, `ModuleExit` when the last user drops it.
/// The library itself stays loaded for the whole process (see HOSTING-NOTES).
pub struct Vst3Module {
    /// The plugin factory (released before `ModuleExit`).
    factory: Option<ComPtr<IPluginFactory>>,
}

/// Signature of `ModuleEntry` (Linux).
type ModuleEntryFn = unsafe extern "C" fn(*mut c_void) -> bool;
/// Signature of `ModuleExit` (Linux).
type ModuleExitFn = unsafe extern "C" fn() -> bool;
/// Signature of `GetPluginFactory`.
type GetPluginFactoryFn = unsafe extern "system" fn() -> *mut IPluginFactory;

/// A symbol of the plugin library, which stays loaded for the whole process.
fn symbol<T: Copy>(name: &[u8]) -> T {
    // SAFETY: every caller names the type the VST3 SDK declares for the symbol.
    unsafe {
        *super::pin_plugin_library()
            .get::<T>(name)
            .expect("symbol exported")
    }
}

impl Vst3Module {
    /// Enters the module (first user only) and gets its factory.
    pub fn open() -> Self {
        let mut users = MODULE_USERS.lock().unwrap_or_else(|e| e.into_inner());
        if *users == 0 {
            let module_entry: ModuleEntryFn = symbol(b"ModuleEntry\0");
            // SAFETY: ModuleEntry takes the library handle, which nice-plug ignores.
            assert!(unsafe { module_entry(null_mut()) }, "ModuleEntry failed");
        }
        *users += 1;
        let get_factory: GetPluginFactoryFn = symbol(b"GetPluginFactory\0");
        // SAFETY: GetPluginFactory returns an owned reference (or null).
        let factory = unsafe { ComPtr::from_raw(get_factory()) }.expect("a plugin factory");
        Self {
            factory: Some(factory),
        }
    }

    /// The factory.
    pub fn factory(&self) -> &ComPtr<IPluginFactory> {
        self.factory.as_ref().expect("open")
    }

    /// Creates the plugin with class ID `cid` as the host sees it; it must not outlive the
    /// module.
    pub fn create_plugin(&self, cid: &TUID) -> Vst3Plugin<'_> {
        let mut object: *mut c_void = null_mut();
        // SAFETY: both IDs are 16-byte TUIDs; `object` receives an owned IComponent reference.
        let result = unsafe {
            self.factory().createInstance(
                cid.as_ptr() as FIDString,
                IComponent::IID.as_ptr() as FIDString,
                &mut object,
            )
        };
        assert_eq!(result, kResultOk, "createInstance");
        // SAFETY: createInstance succeeded, so `object` is an IComponent.
        let component = unsafe { ComPtr::from_raw(object as *mut IComponent) }.expect("component");
        Vst3Plugin::new(component)
    }
}

impl Drop for Vst3Module {
    fn drop(&mut self) {
        self.factory = None;
        let mut users = MODULE_USERS.lock().unwrap_or_else(|e| e.into_inner());
        *users -= 1;
        if *users == 0 {
            let module_exit: ModuleExitFn = symbol(b"ModuleExit\0");
            // SAFETY: every object of the module has been released (plugins borrow the module).
            let exited = unsafe { module_exit() };
            assert!(exited || std::thread::panicking(), "ModuleExit failed");
        }
    }
}

/// A C string field of a VST3 struct as text.
pub fn c_text(field: &[c_char]) -> String {
    let bytes: Vec<u8> = field
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A UTF-16 field of a VST3 struct as text.
pub fn utf16_text(field: &[u16]) -> String {
    let len = field.iter().position(|&c| c == 0).unwrap_or(field.len());
    String::from_utf16_lossy(&field[..len])
}

/// One component: processor and edit controller in one object, as nice-plug builds it.
pub struct Vst3Plugin<'module> {
    /// The component.
    component: ComPtr<IComponent>,
    /// The same object as audio processor.
    processor: ComPtr<IAudioProcessor>,
    /// The same object as edit controller.
    controller: ComPtr<IEditController>,
    /// The host's component handler, recording restart requests.
    handler: ComWrapper<RestartRecorder>,
    /// Whether `setActive(true)` is in force.
    active: bool,
    /// The module, which must stay entered while the plugin lives.
    _module: PhantomData<&'module Vst3Module>,
}

impl Vst3Plugin<'_> {
    /// Initialises the component and finds its controller and processor interfaces.
    fn new(component: ComPtr<IComponent>) -> Self {
        // SAFETY: a null host context is accepted (HOSTING-NOTES).
        let initialized = unsafe { component.initialize(null_mut()) };
        assert_eq!(initialized, kResultOk, "initialize");
        let mut controller_cid: TUID = [0; 16];
        // SAFETY: `controller_cid` is a writable TUID.
        let separate = unsafe { component.getControllerClassId(&mut controller_cid) };
        assert_ne!(
            separate, kResultOk,
            "a single component has no separate controller"
        );
        let controller: ComPtr<IEditController> =
            component.cast().expect("IEditController on the component");
        let handler = ComWrapper::new(RestartRecorder::default());
        let raw_handler = handler
            .as_com_ref::<IComponentHandler>()
            .expect("interface")
            .as_ptr();
        // SAFETY: the plugin keeps its own reference to the live handler.
        let result = unsafe { controller.setComponentHandler(raw_handler) };
        assert_eq!(result, kResultOk, "setComponentHandler");
        Self {
            processor: component.cast().expect("IAudioProcessor"),
            controller,
            component,
            handler,
            active: false,
            _module: PhantomData,
        }
    }

    /// How often the plugin called `restartComponent(kLatencyChanged)`.
    // The restart flags are `c_int` on Windows and `c_uint` elsewhere.
    #[allow(clippy::unnecessary_cast)]
    pub fn latency_restart_requests(&self) -> usize {
        let latency_changed = RestartFlags_::kLatencyChanged as i32;
        let flags = self.handler.flags();
        flags.iter().filter(|&&f| f & latency_changed != 0).count()
    }

    /// The component interface.
    pub fn component(&self) -> &ComPtr<IComponent> {
        &self.component
    }

    /// `getParameterCount`.
    pub fn param_count(&self) -> i32 {
        // SAFETY: plain query on a live object.
        unsafe { self.controller.getParameterCount() }
    }

    /// `getParameterInfo(index)`; never at `index >= count` (nice-plug 0.4.2 aborts there).
    pub fn param_info(&self, index: i32) -> ParameterInfo {
        assert!(
            (0..self.param_count()).contains(&index),
            "getParameterInfo({index}) would abort"
        );
        // SAFETY: ParameterInfo is plain data; the plugin fills it.
        let mut info: ParameterInfo = unsafe { std::mem::zeroed() };
        // SAFETY: `index` is in range (asserted above); `info` is a live local.
        let result = unsafe { self.controller.getParameterInfo(index, &mut info) };
        assert_eq!(result, kResultOk, "getParameterInfo({index})");
        info
    }

    /// `getParamStringByValue`.
    pub fn text_of(&self, id: u32, normalized: f64) -> String {
        let mut text = [0u16; 128];
        // SAFETY: `text` is a String128.
        let result = unsafe {
            self.controller
                .getParamStringByValue(id, normalized, &mut text)
        };
        assert_eq!(result, kResultOk, "getParamStringByValue");
        utf16_text(&text)
    }

    /// `getParamValueByString`.
    pub fn value_of(&self, id: u32, text: &str) -> Option<f64> {
        let mut wide: Vec<u16> = text.encode_utf16().chain([0]).collect();
        let mut value = 0.0;
        // SAFETY: `wide` is NUL-terminated UTF-16.
        let result = unsafe {
            self.controller
                .getParamValueByString(id, wide.as_mut_ptr(), &mut value)
        };
        (result == kResultOk).then_some(value)
    }

    /// `getParamNormalized`.
    pub fn normalized(&self, id: u32) -> f64 {
        // SAFETY: plain query on a live object.
        unsafe { self.controller.getParamNormalized(id) }
    }

    /// `setupProcessing` (realtime, 32-bit), stereo buses, `setActive(true)`, `setProcessing(true)`.
    pub fn activate(&mut self, rate_hz: f64, max_block: i32) {
        let mut setup = ProcessSetup {
            processMode: ProcessModes_::kRealtime as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            maxSamplesPerBlock: max_block,
            sampleRate: rate_hz,
        };
        // SAFETY: the arguments point to live locals for the duration of each call.
        unsafe {
            assert_eq!(
                self.processor.setupProcessing(&mut setup),
                kResultOk,
                "setupProcessing"
            );
            let (mut inputs, mut outputs) = (SpeakerArr::kStereo, SpeakerArr::kStereo);
            let arranged = self
                .processor
                .setBusArrangements(&mut inputs, 1, &mut outputs, 1);
            assert_eq!(arranged, kResultOk, "stereo bus arrangement");
            assert_eq!(self.component.setActive(1), kResultOk, "setActive(true)");
            self.active = true;
            assert_eq!(
                self.processor.setProcessing(1),
                kResultOk,
                "setProcessing(true)"
            );
        }
    }

    /// `setProcessing(false)`, `setActive(false)`.
    pub fn deactivate(&mut self) {
        // SAFETY: plain state changes on a live object.
        unsafe {
            self.processor.setProcessing(0);
            assert_eq!(self.component.setActive(0), kResultOk, "setActive(false)");
        }
        self.active = false;
    }

    /// `getLatencySamples`.
    pub fn latency(&self) -> u32 {
        // SAFETY: plain query on a live object.
        unsafe { self.processor.getLatencySamples() }
    }

    /// One `process` call on separate input and output buffers, with the parameter changes
    /// `(id, sample offset, normalized value)` (null when there are none).
    pub fn process(&mut self, input: &[Vec<f32>], changes: &[(u32, i32, f64)]) -> Vec<Vec<f32>> {
        let frames = input[0].len();
        let mut inputs = input.to_vec();
        let mut outputs = vec![vec![0.0f32; frames]; input.len()];
        let mut input_ptrs: Vec<*mut f32> = inputs.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let mut output_ptrs: Vec<*mut f32> = outputs.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let bus = |ptrs: &mut Vec<*mut f32>| AudioBusBuffers {
            numChannels: ptrs.len() as i32,
            silenceFlags: 0,
            __field0: AudioBusBuffers__type0 {
                channelBuffers32: ptrs.as_mut_ptr(),
            },
        };
        let (mut input_bus, mut output_bus) = (bus(&mut input_ptrs), bus(&mut output_ptrs));
        let param_changes = (!changes.is_empty()).then(|| ParamChanges::new(changes));
        let mut data = ProcessData {
            processMode: ProcessModes_::kRealtime as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            numSamples: frames as i32,
            numInputs: 1,
            numOutputs: 1,
            inputs: &mut input_bus,
            outputs: &mut output_bus,
            inputParameterChanges: param_changes.as_ref().map_or(null_mut(), |changes| {
                changes
                    .as_com_ref::<IParameterChanges>()
                    .expect("interface")
                    .as_ptr()
            }),
            outputParameterChanges: null_mut(),
            inputEvents: null_mut(),
            outputEvents: null_mut(),
            processContext: null_mut(),
        };
        // SAFETY: every pointer in `data` points to a live local of the right size.
        let result = unsafe { self.processor.process(&mut data) };
        assert_eq!(result, kResultOk, "process");
        outputs
    }

    /// `IEditController::setParamNormalized`; whether it returned `kResultOk`.
    pub fn set_normalized(&self, id: u32, normalized: f64) -> bool {
        // SAFETY: plain call on a live object.
        unsafe { self.controller.setParamNormalized(id, normalized) == kResultOk }
    }

    /// `IAudioProcessor::setProcessing`.
    pub fn set_processing(&self, processing: bool) {
        // SAFETY: plain state change on a live object.
        unsafe { self.processor.setProcessing(u8::from(processing)) };
    }

    /// A `process` call without audio buffers (a "flush"), carrying parameter changes
    /// `(id, sample offset, normalized value)`.
    pub fn flush(&mut self, changes: &[(u32, i32, f64)]) {
        let param_changes = ParamChanges::new(changes);
        let mut data = ProcessData {
            processMode: ProcessModes_::kRealtime as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            numSamples: 0,
            numInputs: 0,
            numOutputs: 0,
            inputs: null_mut(),
            outputs: null_mut(),
            inputParameterChanges: param_changes
                .as_com_ref::<IParameterChanges>()
                .expect("interface")
                .as_ptr(),
            outputParameterChanges: null_mut(),
            inputEvents: null_mut(),
            outputEvents: null_mut(),
            processContext: null_mut(),
        };
        // SAFETY: every pointer in `data` is null or points to a live local.
        let result = unsafe { self.processor.process(&mut data) };
        assert_eq!(result, kResultOk, "process without buffers");
    }

    /// `IEditController::setComponentState` from memory (the host hands the controller the
    /// component's state after a preset load).
    pub fn set_component_state_on_controller(&self, bytes: &[u8]) -> tresult {
        let stream = ComWrapper::new(MemoryStream::new(bytes.to_vec()));
        let raw = stream.as_com_ref::<IBStream>().expect("interface").as_ptr();
        // SAFETY: `raw` is a live IBStream.
        unsafe { self.controller.setComponentState(raw) }
    }

    /// `IComponent::getState` into memory.
    pub fn save_state(&self) -> Vec<u8> {
        let stream = ComWrapper::new(MemoryStream::new(Vec::new()));
        let raw = stream.as_com_ref::<IBStream>().expect("interface").as_ptr();
        // SAFETY: `raw` is a live IBStream.
        let saved = unsafe { self.component.getState(raw) };
        assert_eq!(saved, kResultOk, "getState");
        let bytes = stream.data.borrow().clone();
        bytes
    }

    /// `IComponent::setState` from memory.
    pub fn load_state(&self, bytes: &[u8]) -> tresult {
        let stream = ComWrapper::new(MemoryStream::new(bytes.to_vec()));
        let raw = stream.as_com_ref::<IBStream>().expect("interface").as_ptr();
        // SAFETY: `raw` is a live IBStream.
        unsafe { self.component.setState(raw) }
    }
}

impl Drop for Vst3Plugin<'_> {
    fn drop(&mut self) {
        if self.active && !std::thread::panicking() {
            self.deactivate();
        }
        // SAFETY: the plugin is inactive and no call is running.
        unsafe { self.component.terminate() };
    }
}

/// Audio buses the component reports, as (direction is input, channel count).
pub fn audio_buses(component: &ComPtr<IComponent>) -> Vec<(bool, i32)> {
    let mut buses = Vec::new();
    for (is_input, direction) in [
        (true, BusDirections_::kInput),
        (false, BusDirections_::kOutput),
    ] {
        let media = MediaTypes_::kAudio as i32;
        // SAFETY: plain queries on a live object; `info` is plain data the plugin fills.
        let count = unsafe { component.getBusCount(media, direction as i32) };
        for index in 0..count {
            // SAFETY: BusInfo is plain data (integers and a UTF-16 array); all zeros is valid.
            let mut info = unsafe { std::mem::zeroed() };
            // SAFETY: `index` is below the bus count; `info` is a live local the plugin fills.
            let result = unsafe { component.getBusInfo(media, direction as i32, index, &mut info) };
            assert_eq!(result, kResultOk, "getBusInfo");
            buses.push((is_input, info.channelCount));
        }
    }
    buses
}
