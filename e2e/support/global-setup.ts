import { writeCameraFiles } from './fake-camera';

/** Runs once before any worker: the fake camera clips every browser reads. */
export default function globalSetup(): void {
  writeCameraFiles();
}
