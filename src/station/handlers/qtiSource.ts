/** QTI content packages (.zip) and folders of QTI items for the item import, read from this machine's disk. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readQtiSource as readWith, type FolderReader } from '../../domain/import/qtiPackage';
import type { QtiDefaults } from '../../domain/import/qti';

const disk: FolderReader = { isDirectory: (p) => statSync(p).isDirectory(), list: (p) => readdirSync(p), read: (p) => readFileSync(p) };

export const readQtiSource = (path: string, defaults: Omit<QtiDefaults, 'id'> | undefined) => readWith(path, defaults, disk);
